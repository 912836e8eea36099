# plano: the two commands.
#   make shot   set up everything, then render the reference prompt (previs quality)
#   make test   set up everything, then run the tests
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
PROMPT  ?= cinematic ultra-wide shot of a 1960s brutalist government building in Buenos Aires, the entire structure begins to collapse into a cloud of dust and debris, realistic physics, smoke plumes billow into the sky, papers fly from the windows, hyperrealistic, 8K, shot on Arri Alexa with an anamorphic lens, dramatic, gritty afternoon lighting, style of a Denis Villeneuve film --ar 16:9 --style raw
QUALITY ?= previs

.PHONY: setup system python shot test clean

setup: system python

# Debian packages, one `DEBS +=` line per stage that needs them.
DEBS := libegl1 libegl-mesa0 libgl1-mesa-dri# render: headless OpenGL (Mesa llvmpipe through EGL)
DEBS += libvulkan1 libomp5# generate: Real-ESRGAN through ncnn (Vulkan loader, OpenMP)
DEBS += chromium# review: the browser its page is tested in (Playwright drives it; no `playwright install`)
system:
	@if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  if ! dpkg -s $(DEBS) >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEBS) >/dev/null; \
	  fi; \
	else echo "make: not root or no apt-get; make sure these Debian packages are installed: $(DEBS)"; fi

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

python: $(BIN)/python
	$(BIN)/pip install -q "setuptools>=68" wheel
	@# generate: torch==2.13.0 from the CPU wheel on disk when there is one (PyPI's torch wheel pulls GBs of CUDA)
	@w=$$(ls /opt/wheels/torch-2.13.0+cpu-*.whl 2>/dev/null | head -n 1); if [ -n "$$w" ]; then $(BIN)/pip install -q "$$w"; fi
	$(BIN)/pip install -q -e '.[all,test]'

shot: setup
	$(BIN)/plano shot "$(PROMPT)" --quality $(QUALITY)

test: setup
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

clean:
	rm -rf $(VENV) shots .pytest_cache
