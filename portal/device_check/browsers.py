"""Which browser a person uses, from its User-Agent, and whether Teams runs in it.

Teams meetings join from the web in recent Chrome, Edge, Firefox and Safari on
a computer. On phones and tablets the browser cannot join: the Teams app is
needed (free, no account required to join as a guest).
"""

import re
from dataclasses import dataclass

from portal.device_check.models import Outcome

# Oldest major versions we call "recent" (about two years of releases).
MINIMUM_VERSIONS = {"edge": 120, "chrome": 120, "firefox": 115, "safari": 16}
# Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
# Versions have at most six digits: a made-up 5,000-digit one is no version.
PATTERNS = [
    ("edge", r"Edg(?:e|A|iOS)?/(\d{1,6})\b"),
    ("other", r"OPR/(\d{1,6})\b"),
    ("firefox", r"(?:Firefox|FxiOS)/(\d{1,6})\b"),
    ("chrome", r"(?:HeadlessChrome|Chrome|CriOS)/(\d{1,6})\b"),
    ("safari", r"Version/(\d{1,6})[.\d]* (?:Mobile/\S+ )?Safari/"),
]
# Real User-Agent strings are a few hundred characters; look no further than this.
MAX_USER_AGENT = 512


@dataclass(frozen=True)
class Browser:
    family: str  # edge, chrome, firefox, safari or other
    version: int | None
    platform: str  # desktop, ios or android


def browser_from_user_agent(user_agent: str | None) -> Browser:
    text = (user_agent or "")[:MAX_USER_AGENT]
    family, version = "other", None
    for name, pattern in PATTERNS:
        match = re.search(pattern, text)
        if match:
            family, version = name, int(match.group(1))
            break
    if re.search(r"iPhone|iPad|iPod", text):
        platform = "ios"
    elif "Android" in text:
        platform = "android"
    else:
        platform = "desktop"
    return Browser(family, version, platform)


def support(browser: Browser) -> Outcome:
    """Passed: join from this browser. Warning: use the app, or update/change browser."""
    if browser.platform != "desktop":
        return Outcome.WARNING
    minimum = MINIMUM_VERSIONS.get(browser.family)
    if minimum is None or browser.version is None or browser.version < minimum:
        return Outcome.WARNING
    return Outcome.PASSED
