"""World cities the parser knows: name, aliases, country, latitude, longitude (degrees, city centre) and IANA
time zone. The scene stage puts the sun where it is in that city on the shooting date and local time.

A place that is not here is reported back (``unparsed`` and a note), never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    name: str
    country: str
    latitude: float
    longitude: float
    timezone: str
    aliases: tuple[str, ...] = ()


CITIES: tuple[City, ...] = (
    # the Americas
    City("Buenos Aires", "Argentina", -34.6037, -58.3816, "America/Argentina/Buenos_Aires", ("CABA", "Buenos Aries")),
    City("New York", "United States", 40.7128, -74.0060, "America/New_York", ("New York City", "NYC", "Manhattan")),
    City("Los Angeles", "United States", 34.0522, -118.2437, "America/Los_Angeles"),
    City("Chicago", "United States", 41.8781, -87.6298, "America/Chicago"),
    City("San Francisco", "United States", 37.7749, -122.4194, "America/Los_Angeles"),
    City("Washington, D.C.", "United States", 38.9072, -77.0369, "America/New_York", ("Washington DC", "Washington D.C.", "Washington")),
    City("Miami", "United States", 25.7617, -80.1918, "America/New_York"),
    City("Boston", "United States", 42.3601, -71.0589, "America/New_York"),
    City("Philadelphia", "United States", 39.9526, -75.1652, "America/New_York"),
    City("Seattle", "United States", 47.6062, -122.3321, "America/Los_Angeles"),
    City("Las Vegas", "United States", 36.1699, -115.1398, "America/Los_Angeles"),
    City("New Orleans", "United States", 29.9511, -90.0715, "America/Chicago"),
    City("Toronto", "Canada", 43.6532, -79.3832, "America/Toronto"),
    City("Montreal", "Canada", 45.5019, -73.5674, "America/Toronto", ("Montréal",)),
    City("Vancouver", "Canada", 49.2827, -123.1207, "America/Vancouver"),
    City("Mexico City", "Mexico", 19.4326, -99.1332, "America/Mexico_City", ("CDMX", "Ciudad de Mexico")),
    City("Havana", "Cuba", 23.1136, -82.3666, "America/Havana", ("La Habana",)),
    City("Bogota", "Colombia", 4.7110, -74.0721, "America/Bogota", ("Bogotá",)),
    City("Lima", "Peru", -12.0464, -77.0428, "America/Lima"),
    City("Santiago", "Chile", -33.4489, -70.6693, "America/Santiago", ("Santiago de Chile",)),
    City("Sao Paulo", "Brazil", -23.5505, -46.6333, "America/Sao_Paulo", ("São Paulo",)),
    City("Rio de Janeiro", "Brazil", -22.9068, -43.1729, "America/Sao_Paulo", ("Rio",)),
    City("Brasilia", "Brazil", -15.7939, -47.8828, "America/Sao_Paulo", ("Brasília",)),
    City("Montevideo", "Uruguay", -34.9011, -56.1645, "America/Montevideo"),
    City("Caracas", "Venezuela", 10.4806, -66.9036, "America/Caracas"),
    City("Quito", "Ecuador", -0.1807, -78.4678, "America/Guayaquil"),
    City("La Paz", "Bolivia", -16.4897, -68.1193, "America/La_Paz"),
    # Europe
    City("London", "United Kingdom", 51.5074, -0.1278, "Europe/London"),
    City("Manchester", "United Kingdom", 53.4808, -2.2426, "Europe/London"),
    City("Edinburgh", "United Kingdom", 55.9533, -3.1883, "Europe/London"),
    City("Dublin", "Ireland", 53.3498, -6.2603, "Europe/Dublin"),
    City("Paris", "France", 48.8566, 2.3522, "Europe/Paris"),
    City("Berlin", "Germany", 52.5200, 13.4050, "Europe/Berlin", ("East Berlin", "West Berlin")),
    City("Munich", "Germany", 48.1351, 11.5820, "Europe/Berlin", ("München", "Muenchen")),
    City("Hamburg", "Germany", 53.5511, 9.9937, "Europe/Berlin"),
    City("Marseille", "France", 43.2965, 5.3698, "Europe/Paris"),
    City("Madrid", "Spain", 40.4168, -3.7038, "Europe/Madrid"),
    City("Barcelona", "Spain", 41.3874, 2.1686, "Europe/Madrid"),
    City("Lisbon", "Portugal", 38.7223, -9.1393, "Europe/Lisbon", ("Lisboa",)),
    City("Porto", "Portugal", 41.1579, -8.6291, "Europe/Lisbon", ("Oporto",)),
    City("Rome", "Italy", 41.9028, 12.4964, "Europe/Rome", ("Roma",)),
    City("Milan", "Italy", 45.4642, 9.1900, "Europe/Rome", ("Milano",)),
    City("Florence", "Italy", 43.7696, 11.2558, "Europe/Rome", ("Firenze",)),
    City("Naples", "Italy", 40.8518, 14.2681, "Europe/Rome", ("Napoli",)),
    City("Venice", "Italy", 45.4408, 12.3155, "Europe/Rome", ("Venezia",)),
    City("Vienna", "Austria", 48.2082, 16.3738, "Europe/Vienna", ("Wien",)),
    City("Zurich", "Switzerland", 47.3769, 8.5417, "Europe/Zurich", ("Zürich",)),
    City("Prague", "Czech Republic", 50.0755, 14.4378, "Europe/Prague", ("Praha",)),
    City("Budapest", "Hungary", 47.4979, 19.0402, "Europe/Budapest"),
    City("Warsaw", "Poland", 52.2297, 21.0122, "Europe/Warsaw", ("Warszawa",)),
    City("Krakow", "Poland", 50.0647, 19.9450, "Europe/Warsaw", ("Kraków", "Cracow")),
    City("Amsterdam", "Netherlands", 52.3676, 4.9041, "Europe/Amsterdam"),
    City("Brussels", "Belgium", 50.8503, 4.3517, "Europe/Brussels"),
    City("Copenhagen", "Denmark", 55.6761, 12.5683, "Europe/Copenhagen"),
    City("Stockholm", "Sweden", 59.3293, 18.0686, "Europe/Stockholm"),
    City("Oslo", "Norway", 59.9139, 10.7522, "Europe/Oslo"),
    City("Helsinki", "Finland", 60.1699, 24.9384, "Europe/Helsinki"),
    City("Reykjavik", "Iceland", 64.1466, -21.9426, "Atlantic/Reykjavik", ("Reykjavík",)),
    City("Athens", "Greece", 37.9838, 23.7275, "Europe/Athens"),
    City("Istanbul", "Turkey", 41.0082, 28.9784, "Europe/Istanbul"),
    City("Moscow", "Russia", 55.7558, 37.6173, "Europe/Moscow", ("Moskva",)),
    City("Saint Petersburg", "Russia", 59.9311, 30.3609, "Europe/Moscow", ("St Petersburg", "St. Petersburg", "Leningrad")),
    City("Kyiv", "Ukraine", 50.4501, 30.5234, "Europe/Kyiv", ("Kiev",)),
    City("Minsk", "Belarus", 53.9006, 27.5590, "Europe/Minsk"),
    City("Bucharest", "Romania", 44.4268, 26.1025, "Europe/Bucharest"),
    City("Belgrade", "Serbia", 44.7866, 20.4489, "Europe/Belgrade", ("Beograd",)),
    City("Sofia", "Bulgaria", 42.6977, 23.3219, "Europe/Sofia"),
    City("Skopje", "North Macedonia", 41.9981, 21.4254, "Europe/Skopje"),
    City("Yerevan", "Armenia", 40.1792, 44.4991, "Asia/Yerevan"),
    City("Tashkent", "Uzbekistan", 41.2995, 69.2401, "Asia/Tashkent"),
    City("Tbilisi", "Georgia", 41.7151, 44.8271, "Asia/Tbilisi"),
    # Asia and Oceania
    City("Tokyo", "Japan", 35.6762, 139.6503, "Asia/Tokyo", ("Tokio",)),
    City("Osaka", "Japan", 34.6937, 135.5023, "Asia/Tokyo"),
    City("Kyoto", "Japan", 35.0116, 135.7681, "Asia/Tokyo"),
    City("Seoul", "South Korea", 37.5665, 126.9780, "Asia/Seoul"),
    City("Pyongyang", "North Korea", 39.0392, 125.7625, "Asia/Pyongyang"),
    City("Beijing", "China", 39.9042, 116.4074, "Asia/Shanghai", ("Peking",)),
    City("Shanghai", "China", 31.2304, 121.4737, "Asia/Shanghai"),
    City("Hong Kong", "China", 22.3193, 114.1694, "Asia/Hong_Kong"),
    City("Taipei", "Taiwan", 25.0330, 121.5654, "Asia/Taipei"),
    City("Singapore", "Singapore", 1.3521, 103.8198, "Asia/Singapore"),
    City("Bangkok", "Thailand", 13.7563, 100.5018, "Asia/Bangkok"),
    City("Ho Chi Minh City", "Vietnam", 10.8231, 106.6297, "Asia/Ho_Chi_Minh", ("Saigon",)),
    City("Hanoi", "Vietnam", 21.0278, 105.8342, "Asia/Ho_Chi_Minh"),
    City("Jakarta", "Indonesia", -6.2088, 106.8456, "Asia/Jakarta"),
    City("Manila", "Philippines", 14.5995, 120.9842, "Asia/Manila"),
    City("Kuala Lumpur", "Malaysia", 3.1390, 101.6869, "Asia/Kuala_Lumpur"),
    City("Mumbai", "India", 19.0760, 72.8777, "Asia/Kolkata", ("Bombay",)),
    City("New Delhi", "India", 28.6139, 77.2090, "Asia/Kolkata", ("Delhi",)),
    City("Chandigarh", "India", 30.7333, 76.7794, "Asia/Kolkata"),
    City("Dhaka", "Bangladesh", 23.8103, 90.4125, "Asia/Dhaka"),
    City("Karachi", "Pakistan", 24.8607, 67.0011, "Asia/Karachi"),
    City("Almaty", "Kazakhstan", 43.2220, 76.8512, "Asia/Almaty"),
    City("Dubai", "United Arab Emirates", 25.2048, 55.2708, "Asia/Dubai"),
    City("Tehran", "Iran", 35.6892, 51.3890, "Asia/Tehran"),
    City("Tel Aviv", "Israel", 32.0853, 34.7818, "Asia/Jerusalem"),
    City("Jerusalem", "Israel", 31.7683, 35.2137, "Asia/Jerusalem"),
    City("Beirut", "Lebanon", 33.8938, 35.5018, "Asia/Beirut"),
    City("Sydney", "Australia", -33.8688, 151.2093, "Australia/Sydney"),
    City("Melbourne", "Australia", -37.8136, 144.9631, "Australia/Melbourne"),
    City("Auckland", "New Zealand", -36.8485, 174.7633, "Pacific/Auckland"),
    # Africa
    City("Cairo", "Egypt", 30.0444, 31.2357, "Africa/Cairo"),
    City("Casablanca", "Morocco", 33.5731, -7.5898, "Africa/Casablanca"),
    City("Lagos", "Nigeria", 6.5244, 3.3792, "Africa/Lagos"),
    City("Addis Ababa", "Ethiopia", 9.0300, 38.7400, "Africa/Addis_Ababa"),
    City("Nairobi", "Kenya", -1.2921, 36.8219, "Africa/Nairobi"),
    City("Johannesburg", "South Africa", -26.2041, 28.0473, "Africa/Johannesburg"),
    City("Cape Town", "South Africa", -33.9249, 18.4241, "Africa/Johannesburg"),
)

# Countries (and a few regions) a prompt may name instead of a city: understood as places, but too big to
# put a sun in, so they are reported with a hint rather than guessed.
COUNTRIES: tuple[str, ...] = tuple(sorted({c.country for c in CITIES} | {
    "USA", "America", "UK", "England", "Britain", "Scotland", "Soviet Union", "USSR", "Europe", "Asia",
    "Africa", "South America", "Latin America", "Czechia", "Korea", "Ukraine", "Russia", "Germany", "East Germany",
    "Yugoslavia", "Canada", "Australia", "India", "Japan", "Italy", "France", "Spain",
}))


def city_by_name(name: str) -> City:
    """The city called ``name`` (its name or an alias, any case)."""
    key = name.casefold()
    for c in CITIES:
        if key == c.name.casefold() or key in (a.casefold() for a in c.aliases):
            return c
    raise KeyError(name)


def country_hint(country: str) -> str:
    """``'Tokyo, Osaka'`` for ``'Japan'``: the cities plano knows in a country, to suggest."""
    names = [c.name for c in CITIES if c.country.casefold() == country.casefold()]
    return ", ".join(names[:4])
