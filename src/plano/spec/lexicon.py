"""The film and architecture lexicon: which words set which ShotSpec field.

Each :class:`Entry` is a phrase (lower-case words, accents stripped, hyphens and apostrophes removed) and what it
sets. ``sets`` are explicit (a later contradicting word overrides them, with a note); ``implies`` are weak
(used only when no word sets that field, e.g. "skyscraper" implies 40 storeys, "art deco" implies 1930).
List fields (effects, mood, grade, materials) collect every value.

Numbers ("35mm", "24fps", "1960s", "12-storey", "16:9", "8K") are read by :mod:`plano.spec.numbers`;
cities and camera bodies come from :mod:`plano.spec.cities` and :mod:`plano.spec.cameras`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from plano.spec.cameras import CAMERA_BODIES
from plano.spec.cities import CITIES, COUNTRIES

LIST_FIELDS = frozenset({"effects", "light.mood", "look.grade", "subject.materials"})
# values of a list field that cannot both hold: the later one replaces the earlier, with a note
_OPPOSED = [("warm", "cool"), ("high_contrast", "low_contrast"), ("saturated", "desaturated"),
            ("saturated", "black_and_white"), ("soft_light", "hard_light"), ("low_key", "high_key"),
            ("serene", "chaotic"), ("serene", "tense")]
OPPOSITES: dict[str, frozenset[str]] = {}
for _a, _b in _OPPOSED:
    OPPOSITES[_a] = OPPOSITES.get(_a, frozenset()) | {_b}
    OPPOSITES[_b] = OPPOSITES.get(_b, frozenset()) | {_a}


@dataclass(frozen=True)
class Entry:
    words: tuple[str, ...]
    category: str
    sets: tuple[tuple[str, Any], ...] = ()
    implies: tuple[tuple[str, Any], ...] = ()
    note: str = ""
    """Added to ``spec.notes`` when this entry is used; ``{words}`` is replaced by the prompt's words."""


def norm_word(word: str) -> str:
    """Lower case, accents stripped, apostrophes dropped: ``"Bird's"`` -> ``"birds"``, ``"São"`` -> ``"sao"``."""
    w = unicodedata.normalize("NFKD", word.casefold())
    w = "".join(ch for ch in w if not unicodedata.combining(ch))
    return w.replace("'", "").replace("\u2019", "")


def phrase_words(phrase: str) -> tuple[str, ...]:
    phrase = re.sub(r"(?<![A-Za-z])((?:[A-Za-z]\.){2,})", lambda m: m.group(1).replace(".", ""), phrase)
    return tuple(norm_word(w) for w in re.split(r"[\s\-]+", phrase.replace(".", " ").strip()) if w)


ENTRIES: list[Entry] = []


def add(category: str, phrases: str, sets: dict[str, Any] | None = None, implies: dict[str, Any] | None = None,
        note: str = "") -> None:
    """Add one entry per ``|``-separated phrase."""
    for p in phrases.split("|"):
        words = phrase_words(p)
        if words:
            ENTRIES.append(Entry(words, category, tuple((sets or {}).items()), tuple((implies or {}).items()), note))


# ---------------------------------------------------------------- framing
for size, phrases in {
    "extreme_wide": "extreme wide|extreme wide shot|extreme long shot|extreme long|ultra wide|ultrawide|super wide|"
                    "very wide|establishing|establishing shot|wide establishing|wide establishing shot|els|ews|xws|epic wide|vast wide",
    "wide": "wide|wide shot|long shot|ws|ls|full landscape|from a distance",
    "full": "full shot|full body|full length|full figure|fs|cowboy shot",
    "medium": "medium|medium shot|mid shot|midshot|medium wide|mid",
    "medium_close_up": "medium close up|medium closeup|medium close|mcu",
    "close_up": "close up|closeup|close|cu|tight|tight shot|close shot",
    "insert": "insert|insert shot|detail shot|extreme close up|extreme closeup|ecu|macro",
}.items():
    add("shot_size", phrases, {"camera.shot_size": size})
# kinds of lens imply a focal length; a focal length written as a number wins
add("lens", "wide angle|wide angle lens|wideangle", {}, {"camera.focal_length_mm": 24.0})
add("lens", "ultra wide lens|ultra wide angle|ultra wide angle lens|super wide lens", {},
    {"camera.focal_length_mm": 14.0, "camera.shot_size": "extreme_wide"})
add("lens", "fisheye|fish eye", {}, {"camera.focal_length_mm": 10.0})
add("lens", "telephoto|telephoto lens|long lens|tele", {}, {"camera.focal_length_mm": 200.0})
add("lens", "normal lens|standard lens", {}, {"camera.focal_length_mm": 50.0})
add("lens", "portrait lens", {}, {"camera.focal_length_mm": 85.0})
add("lens", "macro lens", {"camera.shot_size": "insert"}, {"camera.focal_length_mm": 100.0})

# ---------------------------------------------------------------- angle and height
for angle, phrases in {
    "eye_level": "eye level|eyelevel|eye height|straight on|neutral angle",
    "low": "low angle|low angle shot|worms eye|worms eye view|worm eye|from below|looking up|upward angle|heroic angle",
    "high": "high angle|high angle shot|from above|looking down|downward angle",
    "top_down": "birds eye|birds eye view|bird eye|birdseye|top down|topdown|overhead|overhead shot|gods eye|"
                "gods eye view|directly above|straight down|plan view",
    "aerial": "aerial|aerial shot|aerial view|drone|drone shot|fpv|fpv drone|helicopter|helicopter shot|heli|"
              "heli shot|from the air|satellite view",
    "dutch": "dutch|dutch angle|dutch tilt|canted|canted angle|oblique angle|tilted frame",
}.items():
    add("angle", phrases, {"camera.angle": angle}, {"camera.dutch_deg": 15.0} if angle == "dutch" else None)
add("height", "street level|ground level|at street level|pedestrian view|pedestrian eye level", {"camera.height_m": 1.6},
    {"camera.angle": "eye_level"})
add("height", "low to the ground|ground hugging|from the ground", {"camera.height_m": 0.4}, {"camera.angle": "low"})
add("height", "rooftop|from a rooftop|from the rooftop|from a roof|from a neighbouring roof|from a neighboring roof",
    {"camera.height_m": 40.0}, {"camera.angle": "high"})
add("angle", "pov|pov shot|point of view|point of view shot|first person|first person view|subjective camera",
    {"camera.angle": "eye_level"}, {"camera.movement": "handheld", "camera.height_m": 1.6})
add("angle", "flyover|fly over|flying over|fly through|flythrough", {"camera.angle": "aerial", "camera.movement": "tracking"})

# ---------------------------------------------------------------- movement
for move, phrases in {
    "static": "static|static shot|static camera|locked off|locked|lockoff|tripod|on a tripod|still camera|fixed camera|"
              "fixed|stationary|no camera movement",
    "push_in": "push in|pushes in|pushing in|push|slow push|slow push in|dolly in|dollies in|track in|tracks in|"
               "zoom in|zooms in|creep in|creeping in|move in|moves in",
    "pull_out": "pull out|pulls out|pulling out|pull back|pulls back|pulling back|dolly out|dollies out|dolly back|"
                "track out|zoom out|zooms out|reveal|pullback",
    "pan": "pan|pans|panning|whip pan|pan left|pan right|panoramic sweep",
    "tilt": "tilt|tilts|tilting|tilt up|tilts up|tilt down|tilts down",
    "crane": "crane|crane shot|crane up|cranes up|crane down|jib|jib shot|boom up|boom down|boom shot|rising shot|pedestal",
    "orbit": "orbit|orbits|orbiting|orbital|arc|arc shot|arcing|circling|circles|360|360 degree|around the building",
    "handheld": "handheld|hand held|shaky cam|shakycam|shaky|shoulder mounted|run and gun",
    "tracking": "tracking|tracking shot|tracks|track|dolly|dolly shot|steadicam|gimbal|follow|follows|following|"
                "follow shot|trucking|truck left|truck right|truck shot|lateral move|sideways",
}.items():
    add("movement", phrases, {"camera.movement": move})

# ---------------------------------------------------------------- lens and camera
add("lens", "anamorphic|anamorphic lens|anamorphic lenses|anamorphics|anamorphic glass|2x anamorphic",
    {"camera.anamorphic": True, "camera.squeeze": 2.0}, {"format.aspect": 2.39},
    note="camera.squeeze: 2.0 (classic 2x anamorphic) from '{words}'")
add("lens", "spherical|spherical lens|spherical lenses|spherical glass", {"camera.anamorphic": False, "camera.squeeze": 1.0})
# depth of field words imply a stop; a stop written as a number (f/1.4) wins
add("focus", "shallow depth of field|shallow dof|shallow focus|bokeh|creamy bokeh|wide open|blurred background|"
    "background blur", {}, {"camera.fstop": 1.8})
add("focus", "deep focus|deep depth of field|everything in focus|sharp throughout", {}, {"camera.fstop": 11.0})
for body in CAMERA_BODIES:
    sets = {"camera.body": body.name, "camera.sensor_width_mm": body.sensor_width_mm,
            "camera.sensor_height_mm": body.sensor_height_mm}
    implies = {"camera.focal_length_mm": body.focal_length_mm} if body.focal_length_mm else None
    if body.format_only:  # "Super 35": the sensor of whatever camera is named, else this nominal one
        add("body", "|".join(body.aliases), {}, sets)
        continue
    add("body", "|".join(body.aliases), sets, implies)
    for generic in body.generic_aliases:
        add("body", generic, sets, implies, note=f"camera.body: '{{words}}' read as the {body.name}; "
                                                 "name the model for another one (`plano cameras`)")

# ---------------------------------------------------------------- format
add("format", "scope|cinemascope|cinema scope|panavision scope|anamorphic widescreen", {"format.aspect": 2.39})
add("format", "widescreen|wide screen", {"format.aspect": 1.85})
add("format", "vertical|vertical video|portrait format|portrait mode|tiktok|reels|instagram story|stories format",
    {"format.aspect": 9 / 16})
add("format", "square|square format|instagram", {"format.aspect": 1.0})
add("format", "academy|academy ratio", {"format.aspect": 1.375})
add("format", "imax ratio|imax format", {"format.aspect": 1.43})
add("resolution", "full hd|fhd|hd", {"format.resolution": 1080})
add("resolution", "uhd|ultra hd|4k uhd", {"format.resolution": 2160})
add("speed", "slow motion|slowmotion|slow mo|slowmo|slo mo|in slow motion|slow motion footage", {"format.speed": 0.25})
add("speed", "super slow motion|ultra slow motion|extreme slow motion|high speed camera|phantom|phantom flex",
    {"format.speed": 0.1})
add("speed", "half speed", {"format.speed": 0.5})
add("speed", "real time|realtime|normal speed|real speed", {"format.speed": 1.0})

# ---------------------------------------------------------------- subject
for btype, phrases in {
    "government_building": "government building|government|ministry|ministry building|parliament|congress|"
                           "city hall|town hall|courthouse|court house|palace of justice|embassy|"
                           "administrative building|civic building|civic centre|civic center|federal building|"
                           "capitol|state building|public building|headquarters of the state",
    "office_tower": "office tower|office building|office block|offices|corporate headquarters|headquarters|hq|"
                    "corporate tower|bank|bank building|commercial tower|business tower",
    "apartment_block": "apartment block|apartment building|apartment tower|apartments|apartment|housing block|"
                       "housing estate|residential block|residential building|residential tower|tower block|"
                       "tenement|condo|condominium|block of flats|flats|housing project|council estate",
    "church": "church|cathedral|chapel|basilica|abbey|monastery|mosque|temple|synagogue",
    "factory": "factory|mill|power station|power plant|steelworks|steel mill|refinery|industrial building|"
               "industrial plant|chemical plant",
    "hotel": "hotel|motel|resort",
    "hospital": "hospital|clinic|sanatorium",
    "school": "school|university|college|campus|academy building",
    "museum": "museum|gallery|library|opera house|theatre|theater|concert hall",
    "warehouse": "warehouse|depot|hangar|storage building",
    "stadium": "stadium|arena",
    "bridge": "bridge|viaduct|overpass",
    "tower": "tower|clock tower|water tower|tv tower|television tower|radio tower|lighthouse|chimney|smokestack",
    "house": "house|villa|mansion|cottage|farmhouse|home|bungalow|townhouse",
}.items():
    add("building", phrases, {"subject.building_type": btype})
add("building", "factory chimney|industrial chimney|smokestack|chimney stack",
    {"subject.building_type": "tower", "subject.style": "industrial"})
add("building", "skyscraper|skyscrapers", {"subject.building_type": "office_tower"}, {"subject.storeys": 40})
add("building", "supertall|megatall", {}, {"subject.storeys": 90})
add("storeys", "tall|high rise|highrise|towering|tall building|tall tower", {}, {"subject.storeys": 20})
add("storeys", "mid rise|midrise", {}, {"subject.storeys": 8})
add("storeys", "low rise|lowrise", {}, {"subject.storeys": 4})
add("storeys", "single storey|single story|one storey building|bungalow style", {"subject.storeys": 1})
for style, (phrases, era) in {
    "brutalist": ("brutalist|brutalism|beton brut|raw concrete brutalist|neo brutalist|brutal concrete", 1965),
    "modernist": ("modernist|modernism|modern|international style|bauhaus|mid century|mid century modern|"
                  "midcentury|midcentury modern|le corbusier|corbusier|niemeyer|mies van der rohe", 1960),
    "art_deco": ("art deco|deco|artdeco|streamline moderne|streamline", 1930),
    "neoclassical": ("neoclassical|neo classical|classical|beaux arts|greek revival|classicist", 1890),
    "soviet_panel": ("soviet panel|soviet panel block|soviet block|soviet blocks|soviet era|soviet|panel block|"
                     "panel building|panelak|plattenbau|khrushchyovka|khrushchevka|commie block|eastern bloc|"
                     "prefab block|prefabricated panel", 1970),
    "brick_residential": ("brick residential|brownstone|red brick|brick building|brick tenement", 1910),
    "glass_curtain_wall": ("glass curtain wall|curtain wall|glass tower|glass facade|glass and steel|glass box|"
                           "all glass|mirrored glass|glass skyscraper", 1990),
    "gothic": ("gothic|neo gothic|neogothic|gothic revival|victorian gothic", 1300),
    "industrial": ("industrial|industrial style", 1920),
    "postmodern": ("postmodern|post modern|postmodernist|pomo", 1985),
    "colonial": ("colonial|spanish colonial|colonial era", 1780),
    "contemporary": ("contemporary|futuristic|parametric|deconstructivist|high tech|hightech|sci fi|scifi|"
                     "zaha hadid", 2015),
}.items():
    add("style", phrases, {"subject.style": style}, {"subject.era": era})
add("style", "soviet block|soviet blocks|commie block|khrushchyovka|khrushchevka|panelak|plattenbau",
    {"subject.style": "soviet_panel", "subject.building_type": "apartment_block"}, {"subject.era": 1970})
add("style", "stalinist|stalinist empire|stalin empire|socialist classicism|stalinist classicism",
    {"subject.style": "neoclassical"}, {"subject.era": 1950})
add("style", "baroque|rococo|renaissance", {"subject.style": "neoclassical"}, {"subject.era": 1750},
    note="subject.style: '{words}' is built as neoclassical, the closest style plano builds")
add("style", "victorian|edwardian|georgian", {"subject.style": "brick_residential"}, {"subject.era": 1880})
for decade, phrases in {1920: "roaring twenties|twenties", 1930: "thirties", 1940: "forties", 1950: "fifties",
                        1960: "sixties", 1970: "seventies", 1980: "eighties", 1990: "nineties"}.items():
    add("era", phrases, {"subject.era": decade})
add("era", "postwar|post war", {"subject.era": 1955})
add("era", "prewar|pre war", {"subject.era": 1930})
add("era", "cold war|cold war era", {"subject.era": 1965})
for mat, phrases in {
    "concrete": "concrete|raw concrete|exposed concrete|board marked concrete|reinforced concrete|precast concrete|"
                "precast|cement",
    "steel": "steel|steel frame|steel beams",
    "glass": "glass|glazing|windows of glass",
    "brick": "brick|bricks|brickwork|masonry",
    "stone": "stone|stonework",
    "marble": "marble",
    "granite": "granite",
    "limestone": "limestone",
    "sandstone": "sandstone",
    "wood": "wood|wooden|timber",
    "terracotta": "terracotta|terra cotta",
    "metal": "metal|iron|cast iron|corrugated metal|aluminium|aluminum|copper",
    "stucco": "stucco|plaster",
    "tile": "tile|tiles|tiled|mosaic",
}.items():
    add("material", phrases, {"subject.materials": mat})
add("material", "raw concrete|beton brut", {"subject.materials": "concrete", "subject.style": "brutalist"})

# ---------------------------------------------------------------- time and light
for tod, phrases in {
    "dawn": "dawn|sunrise|daybreak|first light|break of day|early morning light|crack of dawn",
    "morning": "morning|early morning|morning light|mid morning|am light",
    "noon": "noon|midday|high noon|mid day|lunchtime|harsh midday sun|overhead sun",
    "afternoon": "afternoon|late afternoon|early afternoon|afternoon light|daytime|day|daylight|broad daylight",
    "golden_hour": "golden hour|magic hour|sunset|golden light|low sun|setting sun",
    "dusk": "dusk|twilight|evening|sundown|nightfall|gloaming",
    "blue_hour": "blue hour",
    "night": "night|nighttime|night time|at night|midnight|moonlight|moonlit|after dark|tonight|darkness",
}.items():
    add("time", phrases, {"light.time_of_day": tod})
for season, phrases in {
    "winter": "winter|wintry|wintery|midwinter|winter day|in winter|dead of winter",
    "spring": "spring|springtime|in spring|spring day",
    "summer": "summer|summertime|midsummer|summer day|in summer|high summer",
    "autumn": "autumn|autumnal|in autumn|in the fall|in fall|fall season|fall foliage|autumn leaves",
}.items():
    add("season", phrases, {"place.season": season})
for weather, phrases in {
    "clear": "clear|clear sky|clear skies|sunny|sunshine|bright sun|blue sky|blue skies|cloudless|fair weather|"
             "bright sunny day|sunlit",
    "partly_cloudy": "partly cloudy|partially cloudy|scattered clouds|cloudy|some clouds|broken clouds|puffy clouds",
    "overcast": "overcast|grey sky|gray sky|grey skies|gray skies|grey day|gray day|heavy clouds|cloud cover|"
                "leaden sky|gloomy sky|diffused light|soft overcast",
    "hazy": "hazy|haze|smog|smoggy|hazy sky|atmospheric haze|dusty air|polluted",
    "fog": "fog|foggy|mist|misty|fog bank|low fog",
    "rain": "rain|rainy|raining|rainfall|drizzle|drizzling|downpour|pouring rain|heavy rain|light rain|wet|"
            "wet streets|rain soaked|monsoon",
    "snow": "snow|snowy|snowing|snowfall|snowstorm|blizzard|sleet",
    "storm": "storm|stormy|thunderstorm|lightning|thunder|storm clouds|tempest|hurricane|gale",
}.items():
    add("weather", phrases, {"light.weather": weather})
for mood, phrases in {
    "cinematic": "cinematic|filmic|movie like|film still|cinematic still|movie still",
    "dramatic": "dramatic|drama|dramatic lighting",
    "gritty": "gritty|grit|raw and gritty|grimy",
    "moody": "moody|atmospheric|brooding",
    "dark": "dark|dim|low light",
    "ominous": "ominous|foreboding|menacing|threatening",
    "eerie": "eerie|creepy|spooky|uncanny|haunting|haunted",
    "melancholic": "melancholic|melancholy|sad|somber|sombre|mournful|bleak|desolate|lonely",
    "tense": "tense|suspenseful|tension|thriller",
    "epic": "epic|grand|majestic|monumental|awe inspiring|breathtaking|spectacular",
    "serene": "serene|calm|peaceful|tranquil|quiet",
    "romantic": "romantic|intimate|tender",
    "nostalgic": "nostalgic|nostalgia|wistful",
    "dreamy": "dreamy|dreamlike|ethereal|surreal",
    "hopeful": "hopeful|uplifting|warm and hopeful",
    "chaotic": "chaotic|chaos|frantic|apocalyptic|catastrophic|cataclysmic|disaster|disaster movie",
    "documentary": "documentary|documentary style|observational|cinema verite|verite|news footage|newsreel",
    "commercial": "commercial|advert|advertisement|tv spot|product shot|glossy",
    "period": "period piece|period drama|period film|historical drama|costume drama",
    "soft_light": "soft light|soft lighting|soft|diffused|soft window light",
    "hard_light": "hard light|hard lighting|harsh light|harsh|harsh shadows|hard shadows|strong shadows",
    "window_light": "window light",
    "natural_light": "natural light|natural lighting|available light|practical light|practicals",
    "volumetric": "volumetric|volumetric light|volumetric lighting|god rays|light rays|crepuscular rays|light shafts|"
                  "shafts of light",
    "backlit": "backlit|backlight|backlighting|back lit|contre jour|against the light",
    "rim_light": "rim light|rim lighting|edge light",
    "silhouette": "silhouette|silhouetted|silhouettes",
    "low_key": "low key|lowkey|chiaroscuro|high contrast lighting",
    "high_key": "high key|highkey|bright and airy",
    "neon": "neon|neon lights|neon lit|cyberpunk|neon signs",
    "candlelight": "candlelight|candle light|candlelit|firelight|fire light|lamplight",
    "street_lights": "street lights|streetlights|sodium lights|sodium vapour|sodium vapor|street lamps",
    "lens_flare": "lens flare|lens flares|flare|flares|anamorphic flares",
}.items():
    add("mood", phrases, {"light.mood": mood})
add("mood", "film noir|noir|neo noir", {"light.mood": "noir", "look.grade": "black_and_white"})

# ---------------------------------------------------------------- action and effects
add("action", "collapse|collapses|collapsing|collapsed|crumble|crumbles|crumbling|crumbled|falls down|falling down|"
    "fall down|comes down|coming down|come down|caves in|caving in|cave in|gives way|giving way|disintegrate|"
    "disintegrates|disintegrating|disintegration|destroyed|destruction|destroy|destroying|demolished|demolish|"
    "demolition|falls apart|falling apart|fall apart|crashes down|crashing down|pancakes|pancaking|pancake collapse|"
    "total collapse|complete collapse|full collapse|structural failure|structural collapse|brought down|"
    "reduced to rubble", {"action.kind": "collapse"})
add("action", "partial collapse|partially collapses|partially collapsing|partly collapses|partly collapsing|"
    "partially collapsed|partial|partially|partly|half collapses", {"action.kind": "partial_collapse"})
add("action", "implosion|implode|implodes|imploding|imploded|controlled demolition|controlled implosion|"
    "demolition charges|demolition blast|blown up|blowdown", {"action.kind": "implosion"})
add("action", "topple|topples|toppling|toppled|tips over|tipping over|tip over|falls over|falling over|fall over|"
    "keels over|keeling over|leans and falls|topples over|toppling over|tilts and falls", {"action.kind": "topple"})
# describing a building as standing says nothing against an action named elsewhere ("...leaving only the facade
# standing"), so these only imply; "no destruction" is explicit
add("action", "intact|standing|still standing|stands|untouched|undamaged|stands tall|stays standing|remains standing|"
    "stays intact|remains intact|stays up", {}, {"action.kind": "none"})
add("action", "no destruction|nothing happens|no collapse|no action", {"action.kind": "none"})
add("region", "entire structure|entire building|whole building|whole structure|entire thing|whole thing|"
    "entire tower|whole tower|entire block|whole block|entire|whole|completely|all of it",
    {"action.region": "whole"})
add("region", "top floors|top floor|upper floors|upper storeys|upper stories|upper levels|top levels|"
    "top of the building|top of the tower|top half|upper half|roof|rooftop collapse|upper part",
    {"action.region": "top_floors"})
add("region", "corner|one corner|a corner|one side|side of the building|one wing|east wing|west wing|north wing|"
    "south wing|wing", {"action.region": "corner"})
add("region", "from the ground floor|from the base|at the base|from the bottom|ground floor|the base gives way",
    {"action.start_floor": 0})
# ---------------------------------------------------------------- how it comes down (art direction)
add("pace", "slowly|slow|gradually|gradual|storey by storey|floor by floor|groaning", {"action.speed": "slow"})
add("pace", "suddenly|sudden|rapidly|rapid|fast|quickly|in seconds|all at once|violently|in free fall|"
    "like a house of cards", {"action.speed": "fast"})
add("pace", "toward the camera|towards the camera|toward camera|towards camera|toward us|towards us|"
    "onto the camera|at the camera|at us", {"action.direction": "toward_camera"})
add("pace", "away from the camera|away from camera|away from us|backwards|backward", {"action.direction": "away_from_camera"})
add("pace", "to the left|toward the left|towards the left|falls left|leftward|leftwards", {"action.direction": "left"})
add("pace", "to the right|toward the right|towards the right|falls right|rightward|rightwards", {"action.direction": "right"})
add("pace", "in stages|one after another|in sequence|sequentially|staggered", {"action.stage_delay_s": 0.6})
add("pace", "in quick succession|rapid succession|in a rapid sequence", {"action.stage_delay_s": 0.08})
add("pace", "leaves the stair core standing|leaving the stair core standing|stair core standing|"
    "stair cores standing|leaves the stairs standing", {"action.leaves_standing": ("stair", "core")})
add("pace", "leaves the core standing|leaving the core standing|core left standing|core still standing|"
    "leaving only the core|leaves only the core", {"action.leaves_standing": ("core",)})
add("pace", "leaves the lower floors standing|leaving the lower floors standing|lower floors standing|"
    "lower floors survive|lower floors intact|rest of the building stands|rest of the building standing",
    {"action.leaves_standing": ("lower_floors",)})
add("action", "pancake|pancakes|pancaking|pancaked", {"action.kind": "collapse"})
for effect, phrases in {
    "dust": "dust|dusty|dust cloud|dust clouds|cloud of dust|clouds of dust|dust plume|dust plumes|plume of dust|"
            "plumes of dust|pyroclastic|pyroclastic cloud|pyroclastic flow|ash|ash cloud|powder|concrete dust|"
            "dust storm|wall of dust",
    "debris": "debris|rubble|chunks|concrete chunks|chunks of concrete|fragments|shrapnel|rebar|pieces|falling masonry|"
              "flying debris|wreckage|concrete slabs|slabs",
    "smoke": "smoke|smoky|smoking|smoke plume|smoke plumes|plume of smoke|plumes of smoke|cloud of smoke|"
             "clouds of smoke|black smoke|smoke cloud|smoke clouds|plume|plumes",
    "fire": "fire|fires|flames|flame|burning|ablaze|on fire|blaze|inferno|embers|sparks|fireball|fireballs",
    "papers": "papers|paper|documents|sheets of paper|office papers|paperwork|files|loose papers|paper sheets",
    "glass": "glass shattering|shattering glass|shattered glass|broken glass|glass shards|shards of glass|shards|"
             "windows shatter|windows shattering|windows blow out|windows explode|windows burst|shatter|shatters|"
             "shattering|shattered|glass breaking|breaking glass|glass explodes",
}.items():
    add("effect", phrases, {"effects": effect})
add("effect", "explosion|explosions|explodes|exploding|explode|blast|detonation|detonates",
    {"effects": ("fire", "smoke", "debris")})

# ---------------------------------------------------------------- look
for preset, phrases in {
    "villeneuve": "villeneuve|denis villeneuve|blade runner 2049|sicario|dune part two|dune part one|dune movie",
    "nolan": "nolan|christopher nolan|chris nolan|interstellar|inception|oppenheimer|dunkirk|tenet|the dark knight|"
             "dark knight",
    "fincher": "fincher|david fincher|fight club|gone girl|the social network|zodiac",
    "spielberg": "spielberg|steven spielberg|saving private ryan|jurassic park|war of the worlds|minority report|"
                 "schindlers list",
    "kubrick": "kubrick|stanley kubrick|kubrickian|the shining|2001 a space odyssey|space odyssey|clockwork orange|"
               "a clockwork orange|barry lyndon|full metal jacket",
    "deakins": "deakins|roger deakins|skyfall|no country for old men|1917 movie|1917 film",
    "anderson": "wes anderson|anderson|grand budapest hotel",
    "bay": "michael bay|bayhem",
    "scott": "ridley scott|blade runner",
    "tarkovsky": "tarkovsky|andrei tarkovsky|stalker",
    "malick": "malick|terrence malick|lubezki|emmanuel lubezki|the revenant|tree of life",
    "wong_kar_wai": "wong kar wai|wong karwai|in the mood for love",
}.items():
    add("look", phrases, {"look.preset": preset})
add("quality", "hyperrealistic|hyper realistic|hyperreal|hyper real|photorealistic|photo realistic|photoreal|"
    "photo real|ultra realistic|ultrarealistic|realistic|lifelike|life like|true to life|high quality|best quality|"
    "masterpiece|award winning|highly detailed|ultra detailed|hyper detailed|intricate detail|intricate details|"
    "sharp focus|octane render|unreal engine|unreal engine 5|ray traced|raytraced|ray tracing|high fidelity|"
    "high detail|final quality|production quality|photograph|photography|real footage",
    {"look.quality": "hyperreal"})
add("quality", "previs|pre vis|previz|pre viz|previsualization|previsualisation|rough cut|rough draft|rough blocking|rough pass|draft|sketch|quick preview|"
    "low quality|animatic|blocking", {"look.quality": "previs"})
add("quality", "standard quality|normal quality|medium quality", {"look.quality": "standard"})
add("quality", "raw|style raw|unstylized|unstylised|no stylization|no stylisation", {"look.raw": True})
for grade, phrases in {
    "desaturated": "desaturated|muted|muted colors|muted colours|muted tones|washed out|low saturation|drained",
    "teal_orange": "teal and orange|teal orange|orange and teal|blockbuster grade",
    "warm": "warm|warm tones|warm colors|warm colours|warm grade|golden tones|amber",
    "cool": "cool|cool tones|cold|cold tones|blue tones|cool colors|cool colours|cold blue|steely blue|icy",
    "high_contrast": "high contrast|contrasty|punchy|crushed blacks|deep blacks|inky blacks",
    "low_contrast": "low contrast|flat grade|flat look|flat colors|flat colours|faded|lifted blacks|matte",
    "film_grain": "film grain|grain|grainy|35mm film|16mm film|super 16|super 8|kodak|kodak vision3|kodak portra|portra|ektachrome|kodachrome|fujifilm|cinestill|celluloid|"
                  "shot on film|analog|analogue|film stock|film look",
    "bleach_bypass": "bleach bypass|skip bleach",
    "black_and_white": "black and white|b and w|bw|monochrome|monochromatic|greyscale|grayscale",
    "sepia": "sepia|sepia toned",
    "saturated": "saturated|vibrant|vivid|colorful|colourful|rich colors|rich colours",
    "pastel": "pastel|pastel colors|pastel colours|soft pastel",
    "vintage": "vintage|retro|old film|archival|archive footage",
    "green_tint": "green tint|greenish|sickly green|matrix green",
}.items():
    add("grade", phrases, {"look.grade": grade})

# ---------------------------------------------------------------- places (countries first: a city of the same name wins)
for country in COUNTRIES:
    add("country", country)
for city in CITIES:
    add("place", "|".join((city.name.replace(",", ""),) + city.aliases),
        {"place.name": city.name, "place.country": city.country, "place.latitude": city.latitude,
         "place.longitude": city.longitude, "place.timezone": city.timezone})

# ---------------------------------------------------------------- understood, sets nothing (always on in plano)
add("filler", "realistic physics|real physics|accurate physics|physically accurate|physically based|physics based|"
    "physics simulation|simulated physics|real world physics|physically correct|begins to|starts to|begin to|"
    "start to|frame rate|at a frame rate of|in the style of|style of|inspired by|in the manner of|reminiscent of|shot on|shot with|filmed on|"
    "filmed with|captured on|captured with|recorded on|shot in|filmed in|set in|located in|the camera|camera|"
    "as seen from|seen from|we see|you see|there is|there are")

# Function words: consumed silently. Only words that carry no meaning for a shot belong here.
FILLERS = frozenset("""
a an the of with and or but in on at into onto from to by for as is are was were be being been it its this that
these those their his her our your my then while when where which who whom whose than so very really just also
over above across along through under below behind near around toward towards against up down out off
about after before during between beside besides within without upon via amid amidst among like
shot shots scene view image picture video footage clip sequence frame moment
featuring showing shows show depicting depicts capturing captures capture
building buildings structure structures edifice architecture facade exterior
lighting light lit
begins begin starts start only render rendering outside inside
some all any each every one its itself itself
&
""".split())

# Words that describe the next matched thing ("thick black smoke", "massive explosion"): their words are added
# to that thing's sources. If nothing understood follows, they are reported with the words they describe.
MODIFIERS = frozenset("""
thick dense huge massive giant enormous heavy black grey gray white billowing swirling rising falling flying
small large big tiny fine slow fast quick sudden gentle violent violently gently rapid rapidly
beautiful stunning iconic famous old imposing looming monolithic colossal immense vast dramatically
extremely super ultra incredibly highly deep bright golden suddenly slowly gradually quickly engulfed
circa ca built constructed erected dating dated duration lasting runtime length framerate rate resolution
altitude elevation covered filled shrouded wreathed
""".split())

NEGATIONS = frozenset({"no", "not", "without", "never", "zero", "none"})

# Words that may follow a matched phrase of a category and belong to it: "anamorphic lens", "afternoon lighting",
# "a Denis Villeneuve film", "smoke plumes billow into the sky". Function words between them are consumed too.
_TAILS = {
    "shot_size": "shot shots frame framing view angle composition",
    "angle": "shot view angle perspective pov vantage point",
    "movement": "shot move movement camera cam forward towards toward slowly slow gently",
    "lens": "lens lenses prime primes optics glass",
    "focus": "focus",
    "body": "camera cam cinema footage sensor large format",
    "format": "format aspect ratio frame long duration length clip",
    "resolution": "resolution res",
    "speed": "footage",
    "building": "building buildings structure complex block",
    "style": "building buildings structure architecture style design facade era period",
    "storeys": "building tower structure",
    "era": "era period style",
    "material": "facade walls wall building structure panels slabs",
    "time": "light lighting sun sunlight sky time",
    "season": "day days season",
    "weather": "day sky skies weather conditions light lighting",
    "mood": "lighting light atmosphere mood tone feel feeling vibe vibes look",
    "action": "down inward inwards itself ground street floor completely slowly suddenly violently sequence",
    "region": "floors floor",
    "effect": "billow billows billowing billowed fly flies flying float floats floating flutter flutters fluttering "
              "rise rises rising pour pours pouring erupt erupts erupting swirl swirls swirling scatter scatters "
              "scattering drift drifts drifting spread spreads spreading fill fills filling engulf engulfs "
              "engulfing everywhere sky air street streets windows window ground city camera lens wind "
              "out outward outwards upward upwards",
    "look": "film films movie movies style look aesthetic aesthetics cinematography vibe vibes feel inspired",
    "quality": "detail details quality render rendering resolution",
    "grade": "grade grading graded color colour colors colours tones palette look",
    "place": "city skyline downtown",
    "height": "",
}
TAILS: dict[str, frozenset[str]] = {k: frozenset(v.split()) for k, v in _TAILS.items()}
TAIL_PHRASES: dict[str, tuple[tuple[str, ...], ...]] = {
    "effect": (("rains", "down"), ("raining", "down"), ("rain", "down"), ("blow", "out"), ("blows", "out")),
    "action": (("in", "on", "itself"), ("floor", "by", "floor"), ("like", "a", "house", "of", "cards")),
}

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "single": 1,
}
