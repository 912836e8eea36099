"""The rule-based prompt parser: the reference prompt and many realistic prompts of all kinds."""

from __future__ import annotations

import datetime as dt

import pytest

from plano.spec.model import ShotSpec
from plano.spec.parse import frame_size, parse_prompt

REFERENCE = (
    "cinematic ultra-wide shot of a 1960s brutalist government building in Buenos Aires, the entire structure "
    "begins to collapse into a cloud of dust and debris, realistic physics, smoke plumes billow into the sky, "
    "papers fly from the windows, hyperrealistic, 8K, shot on Arri Alexa with an anamorphic lens, dramatic, "
    "gritty afternoon lighting, style of a Denis Villeneuve film --ar 16:9 --style raw"
)


def get(spec: ShotSpec, path: str):
    obj = spec
    for p in path.split("."):
        obj = getattr(obj, p)
    return obj


def unparsed_text(spec: ShotSpec) -> str:
    return " | ".join(spec.unparsed).lower()


# ---------------------------------------------------------------- the reference prompt

def test_reference_prompt():
    s = parse_prompt(REFERENCE)
    assert s.prompt == REFERENCE
    assert s.camera.shot_size == "extreme_wide"
    assert s.camera.anamorphic is True and s.camera.squeeze == 2.0
    assert s.camera.body.startswith("ARRI Alexa")
    assert s.camera.sensor_width_mm == pytest.approx(27.99)
    assert s.format.aspect == pytest.approx(16 / 9)
    assert (s.format.width, s.format.height) == (7680, 4320)
    assert s.subject.building_type == "government_building"
    assert s.subject.style == "brutalist"
    assert s.subject.era == 1960
    assert s.place.name == "Buenos Aires"
    assert s.place.latitude == pytest.approx(-34.6, abs=0.1)
    assert s.place.longitude == pytest.approx(-58.4, abs=0.1)
    assert s.light.time_of_day == "afternoon"
    assert {"gritty", "dramatic"} <= set(s.light.mood)
    assert s.action.kind == "collapse" and s.action.region == "whole"
    assert {"dust", "debris", "smoke", "papers"} <= set(s.effects)
    assert s.look.preset == "villeneuve"
    assert s.look.quality == "hyperreal" and s.look.raw is True
    # every word understood: nothing at all is left over
    assert s.unparsed == ()


def test_reference_prompt_sources_name_the_words():
    s = parse_prompt(REFERENCE)
    assert s.sources["camera.shot_size"] == ("ultra-wide shot",)
    assert s.sources["subject.era"] == ("1960s",)
    assert s.sources["place.name"] == ("Buenos Aires",)
    assert s.sources["camera.body"] == ("Arri Alexa",)
    assert s.sources["format.aspect"] == ("--ar 16:9",)
    assert s.sources["look.preset"] == ("Denis Villeneuve film",)
    assert "papers fly from the windows" in s.sources["effects"]
    assert s.sources["look.raw"] == ("--style raw",)
    # fields the prompt does not mention have no source
    assert "format.fps" not in s.sources and "camera.focal_length_mm" not in s.sources


def test_defaults_for_an_empty_prompt():
    s = parse_prompt("")
    assert (s.format.fps, s.format.duration_s, s.format.width, s.format.height) == (24.0, 5.0, 1920, 1080)
    assert s.camera.focal_length_mm == 35.0 and s.camera.body == "ARRI Alexa 35"
    assert s.action.kind == "none" and s.effects == ()
    assert s.unparsed == () and s.sources == {}


def test_shot_and_seed_are_kept():
    s = parse_prompt("wide shot", shot="SEQ020_SH030", seed=7)
    assert (s.shot, s.seed) == ("SEQ020_SH030", 7)
    assert parse_prompt("wide shot --seed 42").seed == 42


def test_parsing_is_deterministic():
    assert parse_prompt(REFERENCE) == parse_prompt(REFERENCE)


# ---------------------------------------------------------------- realistic prompts of all kinds
# (prompt, {field path: expected value}, words expected in unparsed (or None for "nothing"))
CASES = [
    # commercials, drama, documentary
    ("Car commercial: a red sports car on a coastal road at golden hour, tracking shot, 50mm, 4K, 2.39:1, "
     "teal and orange",
     {"camera.movement": "tracking", "camera.focal_length_mm": 50.0, "light.time_of_day": "golden_hour",
      "format.aspect": 2.39, "format.width": 3840, "format.height": 1606, "look.grade": ("teal_orange",),
      "action.kind": "none", "effects": ()}, ["sports car", "coastal road"]),
    ("medium close-up of a detective in a rain-soaked alley at night, neon, low angle, 40mm anamorphic, film noir",
     {"camera.shot_size": "medium_close_up", "light.weather": "rain", "light.time_of_day": "night",
      "camera.angle": "low", "camera.focal_length_mm": 40.0, "camera.anamorphic": True, "format.aspect": 2.39,
      "look.grade": ("black_and_white",)}, ["detective", "alley"]),
    ("Documentary handheld footage of a factory in Manchester, overcast morning, 16mm film, grainy",
     {"camera.movement": "handheld", "subject.building_type": "factory", "place.name": "Manchester",
      "light.weather": "overcast", "light.time_of_day": "morning", "look.grade": ("film_grain",),
      "camera.focal_length_mm": 35.0}, None),
    ("close up of an old woman's face in the rain, 85mm, shallow depth of field, soft window light, 1080p",
     {"camera.shot_size": "close_up", "camera.focal_length_mm": 85.0, "camera.fstop": 1.8,
      "light.weather": "rain", "format.height": 1080}, ["woman's face"]),
    ("a gothic church in Prague at dawn, fog, slow push in, 24mm, shot on Alexa Mini LF",
     {"subject.building_type": "church", "subject.style": "gothic", "place.name": "Prague",
      "light.time_of_day": "dawn", "light.weather": "fog", "camera.movement": "push_in",
      "camera.focal_length_mm": 24.0, "camera.body": "ARRI Alexa Mini LF", "camera.sensor_width_mm": 36.70}, None),
    ("drone shot over Tokyo at night, neon, 4K, 30fps, 10 seconds",
     {"camera.angle": "aerial", "place.name": "Tokyo", "place.timezone": "Asia/Tokyo", "light.time_of_day": "night",
      "format.fps": 30.0, "format.duration_s": 10.0, "format.width": 3840, "light.mood": ("neon",)}, None),
    ("aerial drone flyover of Hong Kong skyscrapers at blue hour, 8K, 60fps, 20 seconds",
     {"camera.angle": "aerial", "camera.movement": "tracking", "place.name": "Hong Kong",
      "subject.building_type": "office_tower", "subject.storeys": 40, "light.time_of_day": "blue_hour",
      "format.width": 7680, "format.fps": 60.0, "format.duration_s": 20.0}, None),
    ("top-down bird's-eye view of a stadium in São Paulo, noon, harsh shadows",
     {"camera.angle": "top_down", "subject.building_type": "stadium", "place.name": "Sao Paulo",
      "light.time_of_day": "noon", "light.mood": ("hard_light",)}, None),
    ("An art deco hotel in Miami, 1930s, pastel colours, wide shot, Wes Anderson style, locked-off",
     {"subject.style": "art_deco", "subject.building_type": "hotel", "subject.era": 1930, "place.name": "Miami",
      "look.grade": ("pastel",), "camera.shot_size": "wide", "look.preset": "anderson",
      "camera.movement": "static"}, None),
    ("Period piece: a neoclassical courthouse in Vienna from 1890, snow, dusk, crane up, 35mm, Kubrick",
     {"subject.style": "neoclassical", "subject.building_type": "government_building", "subject.era": 1890,
      "place.name": "Vienna", "light.weather": "snow", "light.time_of_day": "dusk", "camera.movement": "crane",
      "look.preset": "kubrick"}, None),
    ("wide establishing shot, Nolan style, IMAX, of a concrete brutalist library in London, cold blue tones, "
     "high contrast",
     {"camera.shot_size": "extreme_wide", "look.preset": "nolan", "camera.body": "IMAX 15/70 film",
      "subject.materials": ("concrete",), "subject.style": "brutalist", "subject.building_type": "museum",
      "place.name": "London", "look.grade": ("cool", "high_contrast")}, None),
    ("interview, medium shot, eye level, static, 50mm, soft light, warm tones, 25fps",
     {"camera.shot_size": "medium", "camera.angle": "eye_level", "camera.movement": "static",
      "camera.focal_length_mm": 50.0, "look.grade": ("warm",), "format.fps": 25.0}, ["interview"]),
    ("orbit around a glass skyscraper in Dubai at sunset, 24mm, Sony Venice 2",
     {"camera.movement": "orbit", "subject.style": "glass_curtain_wall", "place.name": "Dubai",
      "light.time_of_day": "golden_hour", "camera.body": "Sony Venice 2 8.6K", "camera.sensor_width_mm": 35.94}, None),
    ("handheld tracking shot through a market in Mumbai, midday, documentary style, shot on RED Komodo",
     {"camera.movement": "tracking", "place.name": "Mumbai", "light.time_of_day": "noon",
      "camera.body": "RED Komodo 6K", "light.mood": ("documentary",)}, ["market"]),
    ("establishing shot of Edinburgh at dawn, misty, pan left, 2.35:1",
     {"camera.shot_size": "extreme_wide", "place.name": "Edinburgh", "light.weather": "fog",
      "camera.movement": "pan", "format.aspect": 2.35}, None),
    ("low angle shot of an imposing Stalinist tower in Moscow, winter snow, 14mm, desaturated",
     {"camera.angle": "low", "subject.style": "neoclassical", "subject.era": 1950, "subject.building_type": "tower",
      "place.name": "Moscow", "light.weather": "snow", "camera.focal_length_mm": 14.0,
      "look.grade": ("desaturated",)}, None),
    ("Dutch angle, 20 degrees, close-up, hospital corridor, fluorescent, Fincher",
     {"camera.angle": "dutch", "camera.dutch_deg": 15.0, "camera.shot_size": "close_up",
      "subject.building_type": "hospital", "look.preset": "fincher"}, ["corridor", "fluorescent"]),
    ("dutch angle 20 degrees, pull back from a brick warehouse in Boston",
     {"camera.angle": "dutch", "camera.dutch_deg": 20.0, "camera.movement": "pull_out",
      "subject.building_type": "warehouse", "subject.materials": ("brick",), "place.name": "Boston"}, None),
    ("Deakins-style silhouette at dusk, a lone water tower in Johannesburg, backlit, 2:1",
     {"look.preset": "deakins", "light.time_of_day": "dusk", "subject.building_type": "tower",
      "place.name": "Johannesburg", "format.aspect": 2.0}, ["lone"]),
    ("Spielberg push-in on a house in Los Angeles, 1950s, golden hour, 35mm film",
     {"look.preset": "spielberg", "camera.movement": "push_in", "subject.building_type": "house",
      "place.name": "Los Angeles", "subject.era": 1950, "look.grade": ("film_grain",),
      "camera.focal_length_mm": 35.0}, None),
    ("a church in Prague at dawn", {"subject.building_type": "church", "place.name": "Prague",
                                    "light.time_of_day": "dawn", "action.kind": "none", "effects": ()}, None),
    ("night exterior of a hotel in Singapore, rain, neon lights, 1.85:1, 48 fps",
     {"light.time_of_day": "night", "subject.building_type": "hotel", "place.name": "Singapore",
      "place.country": "Singapore", "light.weather": "rain", "format.aspect": 1.85, "format.fps": 48.0},
     None),
    ("wide shot of a museum in Bilbao", {"camera.shot_size": "wide", "subject.building_type": "museum",
                                         "place.name": "Buenos Aires"}, ["bilbao"]),
    ("Kyiv, 9:16 vertical, phone footage, 720p",
     {"place.name": "Kyiv", "format.aspect": 9 / 16, "format.width": 720, "format.height": 1280}, ["phone"]),
    ("slow motion shot at 120 fps, 3 seconds, square format",
     {"format.speed": 0.25, "format.fps": 120.0, "format.duration_s": 3.0, "format.aspect": 1.0,
      "format.width": 1080, "format.height": 1080}, None),
    ("a short 2-minute clip", {"format.duration_s": 120.0}, ["short"]),
    ("4:3, black and white, 1940s, a cathedral in Rome, deep focus",
     {"format.aspect": 4 / 3, "format.width": 1440, "look.grade": ("black_and_white",), "subject.era": 1940,
      "subject.building_type": "church", "place.name": "Rome", "camera.fstop": 11.0}, None),
    ("sunrise over Sydney, f/2.8, 135mm telephoto",
     {"light.time_of_day": "dawn", "place.name": "Sydney", "camera.fstop": 2.8, "camera.focal_length_mm": 135.0},
     None),
    ("exactly at 5:30 pm in Paris, clear sky",
     {"light.local_time": dt.time(17, 30), "light.time_of_day": "golden_hour", "place.name": "Paris",
      "light.weather": "clear"}, ["exactly"]),
    ("at 07:15 in Oslo, partly cloudy", {"light.local_time": dt.time(7, 15), "light.time_of_day": "morning",
                                         "place.name": "Oslo", "light.weather": "partly_cloudy"}, None),
    ("1920x1080 at 23.976 fps", {"format.width": 1920, "format.height": 1080, "format.fps": 23.976}, None),
    ("2048x858, 25 fps", {"format.width": 2048, "format.height": 858}, None),
    ("shot on Canon C300, handheld, hazy afternoon in Delhi",
     {"camera.body": "Canon EOS C300 Mark II", "camera.movement": "handheld", "light.weather": "hazy",
      "place.name": "New Delhi"}, None),
    ("Blackmagic URSA, 12-storey hospital in Cairo, storm",
     {"camera.body": "Blackmagic URSA Mini Pro 4.6K G2", "subject.storeys": 12, "subject.building_type": "hospital",
      "place.name": "Cairo", "light.weather": "storm"}, None),
    ("shot on Alexa 65, 1.43:1, a school in Chandigarh by Le Corbusier",
     {"camera.body": "ARRI Alexa 65", "camera.sensor_width_mm": 54.12, "format.aspect": 1.43,
      "subject.building_type": "school", "place.name": "Chandigarh", "subject.style": "modernist"}, None),
    ("GoPro action cam on a bridge in Lisbon", {"camera.body": "GoPro HERO", "camera.focal_length_mm": 2.92,
                                               "subject.building_type": "bridge", "place.name": "Lisbon"}, None),
    ("A tall 1920s art deco office tower in New York at golden hour, crane down, 2.39:1",
     {"subject.storeys": 20, "subject.era": 1920, "subject.style": "art_deco", "place.name": "New York",
      "camera.movement": "crane", "format.aspect": 2.39}, None),
    ("a quiet temple in Kyoto at sunrise in the fall",
     {"light.mood": ("serene",), "place.name": "Kyoto", "light.time_of_day": "dawn",
      "place.date": dt.date(2026, 9, 22)}, None),
    ("winter in Buenos Aires", {"place.date": dt.date(2026, 6, 21)}, None),
    ("winter in Oslo", {"place.date": dt.date(2026, 12, 21)}, None),
    # destruction
    ("The top floors of a 30-storey glass curtain wall office tower in Chicago collapse, debris and glass "
     "shattering, 1.85:1",
     {"action.kind": "partial_collapse", "action.region": "top_floors", "subject.storeys": 30,
      "subject.style": "glass_curtain_wall", "subject.building_type": "office_tower", "place.name": "Chicago",
      "format.aspect": 1.85}, None),
    ("a 1970s modernist hotel in Havana topples over, dust, slow motion, Spielberg, RED V-Raptor, 65mm",
     {"action.kind": "topple", "subject.era": 1970, "subject.building_type": "hotel", "format.speed": 0.25,
      "look.preset": "spielberg", "camera.body": "RED V-Raptor 8K VV", "camera.sensor_width_mm": 40.96,
      "camera.focal_length_mm": 65.0}, None),
    ("an implosion of a soviet block in Kyiv, 2.39:1, handheld",
     {"action.kind": "implosion", "subject.style": "soviet_panel", "subject.building_type": "apartment_block",
      "place.name": "Kyiv", "place.timezone": "Europe/Kyiv", "format.aspect": 2.39, "format.width": 1920,
      "format.height": 804, "camera.movement": "handheld"}, None),
    ("controlled demolition of a 12 story apartment block in Berlin, dust cloud, dutch angle, 28mm, 10s",
     {"action.kind": "implosion", "subject.storeys": 12, "subject.building_type": "apartment_block",
      "place.name": "Berlin", "camera.angle": "dutch", "camera.dutch_deg": 15.0, "camera.focal_length_mm": 28.0,
      "format.duration_s": 10.0}, None),
    ("full shot of a warehouse in Lagos engulfed in fire and black smoke, night, handheld, iPhone, vertical 9:16",
     {"camera.shot_size": "full", "subject.building_type": "warehouse", "place.name": "Lagos",
      "light.time_of_day": "night", "camera.body": "Apple iPhone 15 Pro", "format.aspect": 9 / 16,
      "action.kind": "none"}, None),
    ("a massive explosion rips through a refinery in Houston",
     {"subject.building_type": "factory"}, ["rips", "houston"]),
    ("the corner of the old bank building crumbles after 2 seconds, 6 seconds long",
     {"action.kind": "partial_collapse", "action.region": "corner", "action.start_s": 2.0,
      "subject.building_type": "office_tower", "format.duration_s": 6.0}, None),
    ("twelve-storey brutalist ministry collapses floor by floor from the ground floor, gray sky",
     {"subject.storeys": 12, "subject.style": "brutalist", "subject.building_type": "government_building",
      "action.kind": "collapse", "action.start_floor": 0, "light.weather": "overcast"}, None),
    ("a twenty-five storey tower block in Warsaw falls apart in the 80s",
     {"subject.storeys": 25, "subject.building_type": "apartment_block", "place.name": "Warsaw",
      "action.kind": "collapse", "subject.era": 1980}, None),
    ("a 100m tall concrete tower topples", {"subject.storeys": 29, "action.kind": "topple",
                                            "subject.materials": ("concrete",)}, None),
    ("skyscraper collapse, no dust, without papers", {"action.kind": "collapse", "effects": ("debris",)}, None),
    ("the building collapses --no smoke fire", {"action.kind": "collapse", "effects": ("dust", "debris")}, None),
    ("bank collapses, then the smoke, then fire and shattering glass",
     {"effects": ("smoke", "fire", "glass", "dust", "debris")}, None),
    ("it stays standing, intact", {"action.kind": "none", "effects": ()}, None),
    ("the building collapses, leaving only the facade standing", {"action.kind": "collapse"}, ["leaving"]),
    ("a truck drives past a power plant", {"subject.building_type": "factory", "camera.movement": "static"},
     ["truck drives past"]),
    ("demolition of a brick factory in Detroit, debris rains down, from 1965",
     {"action.kind": "collapse", "subject.materials": ("brick",), "subject.era": 1965,
      "effects": ("debris", "dust")}, ["detroit"]),
    # typos, mixed case, punctuation
    ("WIDE SHOT of a BRUTALIST Goverment Bulding in BUENOS AIRES!!!",
     {"camera.shot_size": "wide", "subject.style": "brutalist", "subject.building_type": "government_building",
      "place.name": "Buenos Aires"}, None),
    ("brutalst apartmnt block in Buenos Aries, colapse, anamorphc",
     {"subject.style": "brutalist", "subject.building_type": "apartment_block", "place.name": "Buenos Aires",
      "action.kind": "collapse", "camera.anamorphic": True}, None),
    ("Extreme-Close-Up... of papers; fluttering!! (insert) -- macro lens?",
     {"camera.shot_size": "insert", "camera.focal_length_mm": 100.0, "effects": ("papers",)}, ["fluttering"]),
    ("Cinematic, Moody, Golden-Hour; Villeneuve; Alexa-35; 2.39 : 1",
     {"light.mood": ("cinematic", "moody"), "light.time_of_day": "golden_hour", "look.preset": "villeneuve",
      "camera.body": "ARRI Alexa 35", "format.aspect": 2.39}, None),
    ("skyscrapper in tokio, nigth, drone", {"subject.building_type": "office_tower", "place.name": "Tokyo",
                                           "light.time_of_day": "night", "camera.angle": "aerial"}, None),
    ("hyper-realistic photoreal 8k raw footage of Montevideo",
     {"look.quality": "hyperreal", "look.raw": True, "format.height": 4320, "place.name": "Montevideo"}, None),
    ("previs, rough blocking of a topple in Lima", {"look.quality": "previs", "action.kind": "topple",
                                                     "place.name": "Lima"}, None),
    # contradictions: the later word wins, and a note says so
    ("wide shot, then a close-up", {"camera.shot_size": "close_up"}, None),
    ("dawn ... no wait, at night", {"light.time_of_day": "night"}, ["wait"]),
    ("anamorphic lens, spherical", {"camera.anamorphic": False, "camera.squeeze": 1.0}, None),
    ("24fps, 30 fps", {"format.fps": 30.0}, None),
    ("shot on RED Komodo, actually Sony Venice 2", {"camera.body": "Sony Venice 2 8.6K"}, ["actually"]),
    ("in Paris, in London", {"place.name": "London", "place.latitude": 51.5074}, None),
    ("--ar 16:9 scope", {"format.aspect": 2.39}, None),
    ("50mm then 85mm", {"camera.focal_length_mm": 85.0}, None),
    ("Cinematic still, 50mm, f/1.4, bokeh, Kodak Portra", {"camera.fstop": 1.4, "look.grade": ("film_grain",),
                                                         "light.mood": ("cinematic",)}, None),
    ("\u2014ar 2.39:1 \u2014style raw", {"format.aspect": 2.39, "look.raw": True}, None),
    ("a tower --ar", {"format.aspect": 16 / 9}, ["--ar"]),
    ("a tower --ar 21:9 --style cute", {"format.aspect": 21 / 9}, ["--style cute"]),
    ("a church circa 1965, frame rate 30, lasting 8 seconds",
     {"subject.era": 1965, "format.fps": 30.0, "format.duration_s": 8.0}, None),
    ("built in 1972, at a frame rate of 48, duration 12s, resolution 4K",
     {"subject.era": 1972, "format.fps": 48.0, "format.duration_s": 12.0, "format.width": 3840}, None),
    ("shot on 35mm, 50mm lens", {"look.grade": ("film_grain",), "camera.focal_length_mm": 50.0}, None),
    ("shot on 35mm lens", {"look.grade": (), "camera.focal_length_mm": 35.0}, None),
    ("drone 120m up over Oslo", {"camera.angle": "aerial", "camera.height_m": 120.0, "place.name": "Oslo"}, None),
    ("aerial at an altitude of 500 feet", {"camera.height_m": 152.4}, None),
    ("shot on ARRI Alexa Mini, 32mm anamorphic, Super 35, 4K 60p",
     {"camera.body": "ARRI Alexa Mini", "camera.sensor_width_mm": 28.25, "format.fps": 60.0,
      "format.width": 3840}, None),
    ("Super 35, 24p", {"camera.body": "Super 35 (film)", "camera.sensor_width_mm": 24.89, "format.fps": 24.0}, None),
    # nonsense and odd input
    ("asdf qwerty zzz", {"action.kind": "none"}, ["asdf qwerty zzz"]),
    ("purple elephants dancing on the moon", {}, ["purple elephants dancing", "moon"]),
    ("🔥🔥🔥 💥", {}, ["🔥🔥🔥 💥"]),
    ("--v 6 --chaos 20 --stylize 250", {}, ["--v 6", "--chaos 20", "--stylize 250"]),
    ("in Japan, a temple", {"subject.building_type": "church", "place.name": "Buenos Aires"}, ["japan"]),
    ("in Atlantis, 99999mm, 500 fps, 9000 storeys", {"camera.focal_length_mm": 35.0, "format.fps": 24.0,
                                                     "subject.storeys": None},
     ["atlantis", "99999mm", "500 fps", "9000 storeys"]),
]


@pytest.mark.parametrize("prompt, expected, unknown", CASES, ids=[c[0][:40] for c in CASES])
def test_prompt(prompt, expected, unknown):
    s = parse_prompt(prompt)
    assert s.prompt == prompt
    for path, want in expected.items():
        got = get(s, path)
        if isinstance(want, float):
            assert got == pytest.approx(want, rel=1e-3), path
        elif path == "effects":
            assert set(got) == set(want), path
        else:
            assert got == want, path
    text = unparsed_text(s)
    if unknown is None:
        assert s.unparsed == (), s.unparsed
    else:
        for u in unknown:
            assert u.lower() in text, (u, s.unparsed)
    # every field that is set records words that occur in the prompt
    for path, words in s.sources.items():
        for w in words:
            assert w in prompt, (path, w)


def test_there_are_at_least_60_cases():
    assert len(CASES) + 1 >= 60


# ---------------------------------------------------------------- specific behaviours

def test_contradiction_is_noted():
    s = parse_prompt("wide shot, then a close-up")
    assert "camera.shot_size: 'close-up' overrides earlier 'wide shot'" in s.notes
    s = parse_prompt("shot on RED Komodo, actually Sony Venice 2")
    assert sum("camera.body" in n and "overrides" in n for n in s.notes) == 1
    assert s.sources["camera.sensor_width_mm"] == ("Sony Venice 2",)


def test_opposed_grade_words_later_wins():
    s = parse_prompt("warm tones, high contrast, grainy, then cold tones and low contrast")
    assert s.look.grade == ("film_grain", "cool", "low_contrast")
    assert "look.grade: 'cold tones' overrides earlier 'warm tones'" in s.notes
    assert "look.grade: 'low contrast' overrides earlier 'high contrast'" in s.notes


def test_refinement_is_not_a_contradiction():
    s = parse_prompt("an apartment building collapses partially, top floors only")
    assert s.action.kind == "partial_collapse" and s.action.region == "top_floors"
    assert not any("overrides" in n for n in s.notes)
    assert s.unparsed == ()


def test_bad_seed_is_a_plano_error():
    from plano.errors import PlanoError

    with pytest.raises(PlanoError, match="seed"):
        parse_prompt("wide shot", seed=-1)


def test_same_value_twice_is_not_a_contradiction():
    s = parse_prompt("vertical 9:16")
    assert s.format.aspect == pytest.approx(9 / 16)
    assert not any("overrides" in n for n in s.notes)


def test_typo_is_noted():
    s = parse_prompt("brutalst tower")
    assert s.subject.style == "brutalist"
    assert "read 'brutalst' as 'brutalist'" in s.notes


def test_real_words_are_not_typos():
    s = parse_prompt("a horse and a mouse")
    assert s.subject.building_type == "office_tower" and "subject.building_type" not in s.sources
    assert "horse" in unparsed_text(s) and "mouse" in unparsed_text(s)
    s = parse_prompt("the remaining market, quite a planet, certain factor, subset contract")
    assert s.light.weather == "clear" and "light.weather" not in s.sources
    assert s.sources == {} and not any(n.startswith("read '") for n in s.notes)


def test_unknown_place_is_reported_not_guessed():
    s = parse_prompt("a church in Atlantis at dawn")
    assert s.place.name == "Buenos Aires" and "place.name" not in s.sources
    assert "Atlantis" in s.unparsed
    assert any("'Atlantis' is not a city plano knows" in n for n in s.notes)


def test_implied_effects_are_noted():
    s = parse_prompt("the tower collapses")
    assert set(s.effects) == {"dust", "debris"}
    assert "effects: dust, debris implied by 'collapses'" in s.notes
    assert "collapses" in s.sources["effects"]


def test_no_action_means_none():
    s = parse_prompt("a quiet church at dawn")
    assert s.action.kind == "none" and s.effects == ()
    assert any(n.startswith("action.kind: none") for n in s.notes)


def test_weak_implication_yields_to_explicit_words():
    s = parse_prompt("skyscraper, 60 floors")
    assert s.subject.storeys == 60
    s = parse_prompt("skyscraper")
    assert s.subject.storeys == 40 and "subject.storeys: 40 implied by 'skyscraper'" in s.notes
    s = parse_prompt("anamorphic, --ar 16:9")
    assert s.format.aspect == pytest.approx(16 / 9)


@pytest.mark.parametrize("aspect, height, size", [
    (16 / 9, 4320, (7680, 4320)), (16 / 9, 2160, (3840, 2160)), (16 / 9, 1080, (1920, 1080)),
    (2.39, 1080, (1920, 804)), (1.85, 2160, (3840, 2076)), (4 / 3, 1080, (1440, 1080)),
    (9 / 16, 1080, (1080, 1920)), (1.0, 720, (720, 720)),
])
def test_frame_size(aspect, height, size):
    w, h = frame_size(aspect, height)
    assert (w, h) == size
    assert w % 2 == 0 and h % 2 == 0
    assert abs(w / h - aspect) / aspect < 0.01


def test_every_size_validates_and_is_even():
    for prompt in ("8K 2.39:1", "16K vertical", "1080p 21:9", "4K 1:1", "720p 4:5", "12K 2.76:1"):
        s = parse_prompt(prompt)
        assert s.format.width % 2 == 0 and s.format.height % 2 == 0
        assert max(s.format.width, s.format.height) <= 16384


def test_modifiers_join_the_thing_they_describe():
    s = parse_prompt("thick black smoke")
    assert s.effects == ("smoke",) and s.sources["effects"] == ("thick black smoke",)
    s = parse_prompt("thick black")
    assert "thick black" in s.unparsed


def test_unparsed_keeps_the_order_of_the_prompt():
    s = parse_prompt("purple tower in Japan, 99999mm, --v 6 elephants")
    assert s.unparsed == ("purple", "Japan", "99999mm", "--v 6", "elephants")
    assert any("'Japan' is a country" in n and "Tokyo" in n for n in s.notes)
    assert any("focal_length_mm: 99999 mm is not a lens" in n for n in s.notes)
