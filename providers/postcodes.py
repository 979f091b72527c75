"""Locating a postcode at district level, and the distance between two points.

A postcode is located by its outward code (the district, e.g. "CW1" of "CW1 2AB") using the ONS
district centroids in `PostcodeDistrict`. A malformed postcode and one whose district is unknown
get different messages, because the person typing needs to know which to fix.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from fps_portal.errors import InvalidInput
from providers.models import AuthorityLocation, PostcodeDistrict

POSTCODE_ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right 2025; Contains Royal Mail data © Royal "
    "Mail copyright and database right 2025; Source: Office for National Statistics licensed under "
    "the Open Government Licence v3.0."
)
EARTH_RADIUS_MILES = 3958.8
# How far from an authority's offices a setting may be and still have that authority suggested as
# its host: the North West's authorities are at most this far across, so a setting in Leeds or
# London gets no suggestion rather than the nearest North West council.
HOST_AUTHORITY_RADIUS_MILES = 20.0

_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_FULL = re.compile(rf"^({_OUTWARD})\s*([0-9][A-Z]{{2}})$")
_OUTWARD_ONLY = re.compile(rf"^({_OUTWARD})$")


class PostcodeError(InvalidInput):
    """A postcode that cannot be located; `fields` names the field it came from."""


@dataclass(frozen=True)
class Location:
    district: str
    latitude: float
    longitude: float


def normalise_postcode(raw: str) -> str:
    """A full postcode in its usual form ("CW1 2AB"); PostcodeError if it is not one."""
    text = " ".join((raw or "").upper().split())
    match = _FULL.match(text)
    if match is None:
        raise PostcodeError(
            "Enter a real postcode, like CW1 2AB.",
            fields={"postcode": ["Enter a real postcode, like CW1 2AB."]},
        )
    return f"{match.group(1)} {match.group(2)}"


def parse_district(raw: str, *, allow_outward_only: bool = True) -> str:
    """The district (outward code) of a full postcode, or of an outward code on its own."""
    text = " ".join((raw or "").upper().split())
    if not text:
        message = "Enter a postcode."
        raise PostcodeError(message, fields={"postcode": [message]})
    full = _FULL.match(text)
    if full:
        return full.group(1)
    if allow_outward_only and _OUTWARD_ONLY.match(text):
        return text
    message = (
        "Enter a postcode like CW1 2AB, or the first part of one, like CW1."
        if allow_outward_only
        else "Enter a real postcode, like CW1 2AB."
    )
    raise PostcodeError(message, fields={"postcode": [message]})


def locate(raw: str, *, field: str = "postcode", allow_outward_only: bool = True) -> Location:
    """Where a postcode is, at district level; PostcodeError naming `field` if not found."""
    try:
        district = parse_district(raw, allow_outward_only=allow_outward_only)
    except PostcodeError as exc:
        raise PostcodeError(exc.message, fields={field: [exc.message]}) from exc
    row = PostcodeDistrict.objects.filter(district=district).values("latitude", "longitude").first()
    if row is None:
        message = f"We cannot find the postcode district {district}. Check the postcode."
        raise PostcodeError(message, fields={field: [message]})
    return Location(district=district, latitude=row["latitude"], longitude=row["longitude"])


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in miles (the same formula search runs in SQL)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


def bounding_box(lat: float, lon: float, radius_miles: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lon, max lon) enclosing the circle: an index-friendly prefilter."""
    dlat = math.degrees(radius_miles / EARTH_RADIUS_MILES)
    cos_lat = max(math.cos(math.radians(lat)), 1e-6)
    dlon = math.degrees(radius_miles / (EARTH_RADIUS_MILES * cos_lat))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def likely_host_authority_id(location: Location) -> int | None:
    """The authority a setting at `location` is most likely in: the one whose offices are
    nearest, within HOST_AUTHORITY_RADIUS_MILES; None when none is that near.

    District centroids and office districts are approximate, so near a boundary this can name
    the neighbour: it is a suggestion the provider sees and may correct, never a rule.
    """
    nearest: tuple[float, int] | None = None
    for authority_id, lat, lon in AuthorityLocation.objects.values_list(
        "authority_id", "latitude", "longitude"
    ):
        miles = haversine_miles(location.latitude, location.longitude, lat, lon)
        if miles <= HOST_AUTHORITY_RADIUS_MILES and (nearest is None or miles < nearest[0]):
            nearest = (miles, authority_id)
    return nearest[1] if nearest else None


DISTANCE_NOTE = (
    "Distances are approximate: they are measured between the centres of postcode districts "
    "(like CW1), not between addresses."
)
SAME_DISTRICT = "in the same postcode district"


def approximate_distance(miles: float | None) -> str:
    """A distance between district centres as a person should read it: never "0.0 miles" for two
    places in one district, never more precise than the centres allow."""
    if miles is None:
        return "not known"
    if miles < 0.05:  # the same centre: the same district
        return SAME_DISTRICT
    if miles < 1:
        return "less than 1 mile"
    whole = round(miles)
    return f"about {whole} mile{'s' if whole != 1 else ''}"
