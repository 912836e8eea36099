"""C2PA Content Credentials with c2pa-python: signed manifests in the MOV and MP4, a sidecar for PNGs, and
``verify`` that reads any of them back in words.

Signing needs an X.509 certificate chain and its private key. A user gives their own (``--c2pa-cert`` /
``--c2pa-key`` or ``PLANO_C2PA_CERT`` / ``PLANO_C2PA_KEY``, PEM). Otherwise plano makes, on first use, a local
**test** chain (ES256: a root CA and a leaf with the emailProtection key usage, both named "plano TEST ... not
for publication") in ``PLANO_C2PA_TEST_DIR`` (default ``~/.cache/plano/c2pa-test``): a manifest it signs
validates, but says plainly that it is signed with a test certificate no one else trusts.

The digital source type follows the IPTC vocabulary: ``trainedAlgorithmicMedia`` when a trained model made every
pixel (the generate stage over the whole frame, or super-resolution, without a plate);
``compositeWithTrainedAlgorithmicMedia`` when some layer was made by a trained model; ``compositeSynthetic`` (a mix in which at least one element is
synthetic) for simulated-and-rendered CG over a captured plate; ``algorithmicMedia`` (made purely by an
algorithm, not from sampled training data) for the procedural, simulated and rendered shot alone.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plano.core.store import file_digest
from plano.errors import MissingEngine, PlanoError

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
SOURCE_TYPES = {
    "ai_whole": "trainedAlgorithmicMedia",
    "ai": "compositeWithTrainedAlgorithmicMedia",
    "plate": "compositeSynthetic",
    "cg": "algorithmicMedia",
}
TEST_ORG = "plano TEST certificate - not for publication"
MIME = {".mov": "video/quicktime", ".mp4": "video/mp4", ".m4v": "video/mp4", ".png": "image/png",
        ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".tif": "image/tiff", ".tiff": "image/tiff"}
FRAMES_LABEL = "org.plano.frames"
"""A plano assertion: the SHA-256 of every EXR frame the movie was made from (C2PA has no EXR binding, so the
EXRs are bound by hash inside the movies' signed manifests)."""


def _c2pa():
    try:
        import c2pa
    except ImportError as err:  # pragma: no cover
        raise MissingEngine("c2pa-python", str(err), "pip install 'plano[deliver]'  (or: pip install c2pa-python)") from None
    return c2pa


def source_type(ai_used: bool, plate: bool, whole_frame: bool = False) -> str:
    """The IPTC digital source type (full URI) for a shot (see the module's notes for why); ``whole_frame``: a
    trained model made every pixel (``trainedAlgorithmicMedia``, without a plate)."""
    if ai_used and whole_frame and not plate:
        return IPTC + SOURCE_TYPES["ai_whole"]
    return IPTC + SOURCE_TYPES["ai" if ai_used else ("plate" if plate else "cg")]


# ---------------------------------------------------------------- certificates


def test_dir() -> Path:
    return Path(os.environ.get("PLANO_C2PA_TEST_DIR") or Path.home() / ".cache" / "plano" / "c2pa-test")


def make_test_chain(folder: str | Path) -> tuple[Path, Path, Path]:
    """Make a local ES256 test chain in ``folder``: ``root.pem`` (CA), ``chain.pem`` (leaf then root) and
    ``signer.key`` (the leaf's key, PKCS#8). Returns (chain, key, root). Test only: never for publication."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    now = _dt.datetime.now(_dt.timezone.utc)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, TEST_ORG)])

    def usage(**kw) -> x509.KeyUsage:
        base = dict(digital_signature=False, content_commitment=False, key_encipherment=False, data_encipherment=False,
                    key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False)
        base.update(kw)
        return x509.KeyUsage(**base)

    root_key = ec.generate_private_key(ec.SECP256R1())
    root = (x509.CertificateBuilder().subject_name(name("plano TEST root CA")).issuer_name(name("plano TEST root CA"))
            .public_key(root_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - _dt.timedelta(days=1)).not_valid_after(now + _dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(usage(digital_signature=True, key_cert_sign=True, crl_sign=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
            .sign(root_key, hashes.SHA256()))
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = (x509.CertificateBuilder().subject_name(name("plano TEST signer")).issuer_name(root.subject)
            .public_key(leaf_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - _dt.timedelta(days=1)).not_valid_after(now + _dt.timedelta(days=730))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage(digital_signature=True), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(leaf_key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
            .sign(root_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    chain_p, key_p, root_p = folder / "chain.pem", folder / "signer.key", folder / "root.pem"
    root_p.write_bytes(root.public_bytes(pem))
    chain_p.write_bytes(leaf.public_bytes(pem) + root.public_bytes(pem))
    key_p.write_bytes(leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    key_p.chmod(0o600)
    (folder / "README.txt").write_text("A C2PA signing chain made by plano for testing only. Manifests signed with it "
                                       "validate but are trusted by no one else. Do not publish with it.\n")
    return chain_p, key_p, root_p


@dataclass(frozen=True)
class SigningIdentity:
    chain: Path
    key: Path
    test: bool
    """True for plano's local test chain."""
    root: Path | None = None

    def describe(self) -> str:
        return ("plano TEST certificate (local test chain, not for publication)" if self.test
                else f"certificate {self.chain}")


def signing_identity(cert: str | Path | None = None, key: str | Path | None = None) -> SigningIdentity:
    """The user's certificate and key (options, else ``PLANO_C2PA_CERT`` / ``PLANO_C2PA_KEY``), or the local test
    chain (made on first use)."""
    cert = cert or os.environ.get("PLANO_C2PA_CERT")
    key = key or os.environ.get("PLANO_C2PA_KEY")
    if cert or key:
        if not (cert and key):
            raise PlanoError("C2PA signing needs both a certificate chain and its private key: give --c2pa-cert and "
                             "--c2pa-key (or PLANO_C2PA_CERT and PLANO_C2PA_KEY), or neither to sign with plano's test chain")
        c, k = Path(cert), Path(key)
        for what, p in (("certificate chain", c), ("private key", k)):
            if not p.is_file():
                raise PlanoError(f"C2PA {what} {str(p)!r} does not exist; expected a PEM file")
        text = c.read_text(errors="replace")
        if "BEGIN CERTIFICATE" not in text:
            raise PlanoError(f"C2PA certificate chain {str(c)!r} holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        if "PRIVATE KEY" not in k.read_text(errors="replace"):
            raise PlanoError(f"C2PA private key {str(k)!r} holds no PEM private key")
        return SigningIdentity(c, k, False)
    folder = test_dir()
    chain, k, root = folder / "chain.pem", folder / "signer.key", folder / "root.pem"
    if not (chain.is_file() and k.is_file() and root.is_file()):
        chain, k, root = make_test_chain(folder)
    return SigningIdentity(chain, k, True, root)


def _signer(identity: SigningIdentity):
    c2pa = _c2pa()
    try:
        info = c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, identity.chain.read_bytes(), identity.key.read_bytes(), None)
        return c2pa.Signer.from_info(info)
    except Exception as err:  # noqa: BLE001 - c2pa raises its own error types
        raise PlanoError(f"cannot sign with {identity.describe()} ({err}); expected an ES256 (P-256) certificate chain "
                         "and its private key in PEM") from None


# ---------------------------------------------------------------- manifests


sha256 = file_digest
"""The SHA-256 of a file (hex): the one in ``plano.core.store``."""


def manifest_definition(title: str, *, ai_used: bool, plate: dict | None, layers: dict[str, str], spec_hash: str,
                        version: str, frames: dict[str, str] | None = None, test: bool = False,
                        models: list[dict] | None = None, whole_frame: bool = False) -> dict[str, Any]:
    """The manifest plano signs: who made it, the actions with their IPTC digital source type, plano's own record
    of each layer's source, and (for movies) the hashes of the EXR frames."""
    dst = source_type(ai_used, plate is not None, whole_frame)
    actions = [{"action": "c2pa.created", "digitalSourceType": dst,
                "softwareAgent": {"name": "plano", "version": version},
                "description": "simulated and rendered from a text description" + (" over a captured plate" if plate else "")}]
    if plate is not None:  # the plate is the manifest's componentOf ingredient
        actions[0]["description"] = (f"CG and dust simulated and rendered from a text description, composited over "
                                     f"the captured plate {plate.get('title', '')}")
    if ai_used:  # the generate stage: which model made pixels
        names = ", ".join(str(m.get("model")) for m in (models or [])) or "a trained model"
        actions.append({"action": "c2pa.edited", "digitalSourceType": IPTC + SOURCE_TYPES["ai_whole"],
                        "description": f"pixels made by {names} (plano's generate stage)"})
    actions.append({"action": "c2pa.color_adjustments", "description": "the look (ASC CDL in ACEScct)"})
    layer_data: dict[str, Any] = {"layers": layers, "spec_hash": spec_hash, "generative_ai": ai_used,
                                  "signed_with_test_certificate": test}
    if models:
        layer_data["models"] = models
    assertions: list[dict[str, Any]] = [
        {"label": "c2pa.actions", "data": {"actions": actions}},
        {"label": "org.plano.layers", "data": layer_data},
    ]
    if frames:
        assertions.append({"label": FRAMES_LABEL, "data": {"alg": "sha256", "frames": frames}})
    return {"claim_generator_info": [{"name": "plano", "version": version}], "title": title, "assertions": assertions}


def sign_file(src: str | Path, dst: str | Path, manifest: dict, identity: SigningIdentity,
              ingredient: str | Path | None = None, ingredient_title: str | None = None) -> Path:
    """Sign ``src`` into ``dst`` (may be the same path) with ``manifest``; ``ingredient``: the plate, added as a
    ``componentOf`` ingredient (its bytes are read when c2pa can parse its format, otherwise it is named)."""
    c2pa = _c2pa()
    src, dst = Path(src), Path(dst)
    mime = MIME.get(src.suffix.lower())
    if mime is None:
        raise PlanoError(f"C2PA cannot embed a manifest in {src.suffix} files ({str(src)!r}); expected "
                         f"{', '.join(sorted(MIME))}")
    m = json.loads(json.dumps(manifest))
    ing_mime = MIME.get(Path(ingredient).suffix.lower()) if ingredient else None
    if ingredient is not None and ing_mime is None:  # e.g. an EXR or DPX sequence: named, with its hash
        first = Path(ingredient)
        entry = {"title": ingredient_title or first.name, "format": f"image/x-{first.suffix.lstrip('.').lower()}",
                 "relationship": "componentOf"}
        m.setdefault("ingredients", []).append(entry)
    tmp = dst.with_name(dst.name + ".signing" + dst.suffix)
    try:
        builder = c2pa.Builder(m)
        if ingredient is not None and ing_mime is not None:
            with open(ingredient, "rb") as f:
                builder.add_ingredient({"title": ingredient_title or Path(ingredient).name, "relationship": "componentOf"},
                                       ing_mime, f)
        builder.sign_file(str(src), str(tmp), _signer(identity))
    except PlanoError:
        raise
    except Exception as err:  # noqa: BLE001
        tmp.unlink(missing_ok=True)
        raise PlanoError(f"C2PA signing of {str(src)!r} failed ({err})") from None
    os.replace(tmp, dst)
    return dst


def sign_sidecar(path: str | Path, manifest: dict, identity: SigningIdentity) -> Path:
    """A sidecar manifest store ``<file>.c2pa`` bound to ``path``'s bytes (the file itself is not changed)."""
    c2pa = _c2pa()
    path = Path(path)
    mime = MIME.get(path.suffix.lower())
    if mime is None:
        raise PlanoError(f"C2PA has no binding for {path.suffix} files ({str(path)!r})")
    out = path.with_name(path.name + ".c2pa")
    scratch = path.with_name(path.name + ".c2pa-scratch")
    try:
        builder = c2pa.Builder(manifest)
        builder.set_no_embed()
        with open(path, "rb") as s, open(scratch, "w+b") as d:
            data = builder.sign(_signer(identity), mime, s, d)
    except Exception as err:  # noqa: BLE001
        raise PlanoError(f"C2PA sidecar signing of {str(path)!r} failed ({err})") from None
    finally:
        scratch.unlink(missing_ok=True)
    out.write_bytes(data)
    return out


# ---------------------------------------------------------------- verify


@dataclass(frozen=True)
class Verification:
    path: Path
    state: str
    """``Trusted``, ``Valid``, ``Invalid``, ``tampered`` or ``none`` (no manifest)."""
    ok: bool
    lines: tuple[str, ...]
    failures: tuple[str, ...]
    manifest: dict | None


def _context(root: Path | None):
    c2pa = _c2pa()
    settings: dict[str, Any] = {"verify": {"verify_trust": True, "ocsp_fetch": False, "remote_manifest_fetch": False}}
    if root is not None and root.is_file():
        settings["trust"] = {"user_anchors": root.read_text()}
    try:
        return c2pa.Context.from_dict(settings)
    except Exception:  # noqa: BLE001 - older c2pa: defaults
        return None


def _words(m: dict) -> list[str]:
    out = [f"title: {m.get('title', '?')}"]
    gen = m.get("claim_generator_info") or []
    if gen:
        out.append("made by: " + ", ".join(f"{g.get('name')} {g.get('version', '')}".strip() for g in gen))
    sig = m.get("signature_info") or {}
    if sig:
        out.append(f"signed by: {sig.get('common_name', '?')} ({sig.get('issuer', '?')}), {sig.get('alg', '')}")
    for a in m.get("assertions", []):
        label, data = a.get("label", ""), a.get("data", {})
        if label.startswith("c2pa.actions"):
            for act in data.get("actions", []):
                dst = act.get("digitalSourceType", "")
                line = f"action: {act.get('action', '?')}"
                if dst:
                    line += f", digital source type {dst.rsplit('/', 1)[-1]}"
                if act.get("description"):
                    line += f" ({act['description']})"
                out.append(line)
        elif label == "org.plano.layers":
            for layer, source in (data.get("layers") or {}).items():
                out.append(f"layer {layer}: {source}")
            out.append("generative AI: " + ("yes" if data.get("generative_ai") else "none"))
            if data.get("signed_with_test_certificate"):
                out.append("signed with plano's TEST certificate: not for publication")
        elif label == FRAMES_LABEL:
            out.append(f"binds {len(data.get('frames', {}))} EXR frame(s) by SHA-256")
    for ing in m.get("ingredients", []):
        out.append(f"ingredient: {ing.get('title', '?')} ({ing.get('relationship', '?')}, {ing.get('format', '?')})")
    return out


def _read(path: Path, root: Path | None, sidecar: Path | None):
    c2pa = _c2pa()
    ctx = _context(root)
    kw = {"context": ctx} if ctx is not None else {}
    if sidecar is not None:
        mime = MIME.get(path.suffix.lower(), "application/octet-stream")
        with open(path, "rb") as f:
            return c2pa.Reader(mime, f, manifest_data=sidecar.read_bytes(), **kw)
    return c2pa.Reader(str(path), **kw)


def verify(path: str | Path, root: str | Path | None = None) -> Verification:
    """Read and validate the C2PA manifest of a MOV / MP4 (embedded), a PNG (``.c2pa`` sidecar) or a comp / pass
    EXR (bound by hash in the run's movie). ``root``: a trust anchor (default: plano's test root when it exists)."""
    c2pa = _c2pa()
    path = Path(path)
    if not path.is_file():
        raise PlanoError(f"{str(path)!r} does not exist; give a delivered .mov, .mp4, .png or .exr")
    anchor = Path(root) if root else (test_dir() / "root.pem")
    if path.suffix.lower() == ".exr":
        return _verify_exr(path, anchor)
    sidecar = path.with_name(path.name + ".c2pa")
    sidecar = sidecar if sidecar.is_file() and path.suffix.lower() not in (".mov", ".mp4") else None
    try:
        reader = _read(path, anchor, sidecar)
    except c2pa.C2paError.ManifestNotFound:
        return Verification(path, "none", False, ("no C2PA manifest in this file (and no .c2pa sidecar next to it)",),
                            (), None)
    except Exception as err:  # noqa: BLE001 - a damaged manifest cannot even be parsed
        return Verification(path, "tampered", False, (f"the C2PA manifest cannot be read: {err}",), (str(err),), None)
    state = reader.get_validation_state() or "unknown"
    results = reader.get_validation_results() or {}
    active = results.get("activeManifest") or {}
    failures = tuple(f"{x.get('code')}: {x.get('explanation', '')}" for x in active.get("failure", []))
    manifest = reader.get_active_manifest() or {}
    tampered = any(("mismatch" in f or "hash" in f.split(":")[0]) for f in failures)
    lines = _words(manifest)
    if tampered:
        state = "tampered"
        lines.append("TAMPERED: the file's bytes no longer match what was signed")
    ok = state in ("Valid", "Trusted") and not failures
    return Verification(path, state, ok, tuple(lines), failures, manifest)


def _verify_exr(path: Path, anchor: Path) -> Verification:
    folder = path.parent
    movies = sorted(list(folder.parent.glob("*.mov")) + list(folder.parent.glob("*.mp4")) + list(folder.glob("*.mov")))
    if not movies:
        return Verification(path, "none", False, ("no signed movie next to this EXR's folder binds it (C2PA cannot "
                                                  "embed in EXR; plano binds EXRs by hash in the movies' manifests)",),
                            (), None)
    movie = verify(movies[0], anchor)
    frames = {}
    for a in (movie.manifest or {}).get("assertions", []):
        if a.get("label") == FRAMES_LABEL:
            frames = a.get("data", {}).get("frames", {})
    key = f"{folder.name}/{path.name}"
    want = frames.get(key) or frames.get(path.name)
    lines = [f"bound by hash in {movies[0].name}'s manifest ({movie.state})", *movie.lines]
    if want is None:
        return Verification(path, "none", False, (f"{movies[0].name}'s manifest does not list {key}",), (), movie.manifest)
    if sha256(path) != want:
        return Verification(path, "tampered", False, tuple(lines + ["TAMPERED: this EXR's SHA-256 differs from the signed one"]),
                            ("frame hash mismatch",), movie.manifest)
    return Verification(path, movie.state, movie.ok, tuple(lines), movie.failures, movie.manifest)


def copy_unsigned(src: Path, dst: Path) -> None:
    shutil.copyfile(src, dst)
