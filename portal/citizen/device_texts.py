"""Every text of the device check, for the page's script and for stored results.

The script reads these from a JSON data block rendered in the person's language
(the CSP forbids inline scripts; a JSON block is data, never executed).
"""

from flask_babel import lazy_gettext as _l

from portal.device_check.labels import CHECK_LABELS, OUTCOME_LABELS  # noqa: F401
from portal.device_check.models import Outcome

PERMISSION_ADVICE = {
    "chrome": _l(
        "Your browser blocked the %(device)s. Select the icon left of the address bar "
        "(a slider or padlock), set Camera and Microphone to Allow, reload the page and "
        "run the check again."
    ),
    "edge": _l(
        "Your browser blocked the %(device)s. Select the padlock left of the address bar, "
        "choose Permissions for this site, set Camera and Microphone to Allow, reload the "
        "page and run the check again."
    ),
    "firefox": _l(
        "Your browser blocked the %(device)s. Select the crossed-out camera or microphone "
        "icon left of the address bar, remove the block (“Blocked temporarily”), reload the "
        "page and run the check again."
    ),
    "safari": _l(
        "Your browser blocked the %(device)s. In Safari, open Settings for this website (on "
        "an iPhone or iPad: the “aA” button), set Camera and Microphone to Allow, reload the "
        "page and run the check again."
    ),
    "other": _l(
        "Your browser blocked the %(device)s. In your browser's site settings, allow the "
        "camera and microphone for this site, reload the page and run the check again."
    ),
}
ADVICE = {
    "camera.passed": _l("Your camera works."),
    "camera.not_seen": _l(
        "You could not see yourself. Check that nothing covers the camera and that the right "
        "camera is chosen, then run the check again."
    ),
    "camera.not_found": _l(
        "No camera was found. Connect a camera, or use a phone, tablet or computer that has one."
    ),
    "camera.in_use": _l(
        "The camera is being used by another program. Close other video programs (such as "
        "Teams, Zoom or Skype) and run the check again."
    ),
    "camera.error": _l("The camera could not be started. Restart the browser and try again."),
    "microphone.passed": _l("We can hear you."),
    "microphone.no_sound": _l(
        "We could not hear any sound. Check that the microphone is not muted, speak a little "
        "louder, or choose another microphone in your device's sound settings."
    ),
    "microphone.not_found": _l(
        "No microphone was found. Connect a headset or microphone, or use a device that has one."
    ),
    "microphone.in_use": _l(
        "The microphone is being used by another program. Close other call programs and try again."
    ),
    "microphone.error": _l(
        "The microphone could not be started. Restart the browser and try again."
    ),
    "speakers.passed": _l("Your speakers or headphones work."),
    "speakers.failed": _l(
        "Turn up the volume, check that the sound is not muted and that headphones are "
        "connected, then play the sound again."
    ),
    "network.passed": _l("Your connection is good enough for video."),
    "network.warning": _l(
        "Your connection is slow, so the video may freeze. Move closer to the Wi-Fi router, "
        "or close other programs that use the internet, and run the check again."
    ),
    "network.failed": _l(
        "Your connection is too slow for video. Use another network (for example a home "
        "Wi-Fi) or, if that is not possible, call the phone line."
    ),
    "browser.passed": _l("Your browser can join Microsoft Teams meetings."),
    "browser.warning": _l(
        "Use a recent version of Chrome, Edge, Firefox or Safari, updated to the latest version."
    ),
    "browser.ios": _l(
        "On an iPhone or iPad, install the free Microsoft Teams app from the App Store before "
        "the session; the link in our e-mail opens it. You do not need an account."
    ),
    "browser.android": _l(
        "On an Android phone or tablet, install the free Microsoft Teams app from Google Play "
        "before the session; the link in our e-mail opens it. You do not need an account."
    ),
    "browser.failed": _l(
        "This browser cannot make video calls. Use a recent Chrome, Edge, Firefox or Safari."
    ),
    "declared.passed": _l("You told us this works."),
    "declared.warning": _l("You were not sure. If you can, ask someone to help you test it."),
    "declared.failed": _l(
        "You told us this does not work. Call the phone line if you cannot fix it before "
        "the session."
    ),
}
SCRIPT_TEXTS = {
    "checking": _l("Checking…"),
    "allow": _l("Your browser will ask to use the camera and microphone: choose Allow."),
    "camera_device": _l("camera"),
    "microphone_device": _l("microphone"),
    "level": _l("Sound level: %(level)s out of 100"),
    "heard": _l("Sound detected."),
    "listening": _l("Say a few words, for example your name."),
    "play_first": _l("Play the test sound first."),
    "playing": _l("Playing the test sound…"),
    "measuring": _l("Measuring your connection. This takes a few seconds…"),
    "figures": _l("Download %(down)s Mbit/s, upload %(up)s Mbit/s, delay %(latency)s ms."),
    "not_measured": _l("The connection could not be measured. Check that you are online."),
    "too_many": _l("You ran the test many times in a row. Wait a minute and run it again."),
    "step_result": _l("%(check)s: %(outcome)s."),
    "saving": _l("Saving your results…"),
    "saved": _l("Your results were saved. The desk will see them before your session."),
    "save_failed": _l(
        "Your results could not be saved. Run the check again, or answer the questions below."
    ),
}


def script_texts(family: str) -> dict:
    texts = {key: str(text) for key, text in SCRIPT_TEXTS.items()}
    texts.update({f"advice.{key}": str(text) for key, text in ADVICE.items()})
    texts.update({f"check.{key}": str(text) for key, text in CHECK_LABELS.items()})
    texts.update({f"outcome.{key}": str(text) for key, text in OUTCOME_LABELS.items()})
    texts["denied"] = str(PERMISSION_ADVICE.get(family, PERMISSION_ADVICE["other"]))
    return texts


def advice(check, name: str) -> str:
    """What to do about one check of a stored result (empty when nothing to do)."""
    outcome = getattr(check, name)
    if outcome is None or outcome == Outcome.PASSED:
        return ""
    if check.self_declared:
        return str(ADVICE[f"declared.{outcome}"])
    problem = getattr(check, f"{name}_problem", None)
    if problem == "denied":
        family = check.browser_family
        device = SCRIPT_TEXTS[f"{name}_device"]
        return str(PERMISSION_ADVICE.get(family, PERMISSION_ADVICE["other"]) % {"device": device})
    if name == "browser" and check.platform in ("ios", "android"):
        return str(ADVICE[f"browser.{check.platform}"])
    key = f"{name}.{problem}" if problem else f"{name}.{outcome}"
    return str(ADVICE.get(key) or ADVICE.get(f"{name}.failed") or ADVICE.get(f"{name}.error", ""))
