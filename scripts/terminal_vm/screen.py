"""What the virtual panel shows, compared with what the headless tests rendered, and window coordinates turned
into panel coordinates for a rotated panel."""

from PIL import Image, ImageChops


def _difference(a, b):
    """The share of pixels that differ visibly (any channel by more than 48 of 255)."""
    first = Image.open(a).convert("RGB")
    second = Image.open(b).convert("RGB")
    if first.size != second.size:
        second = second.resize(first.size)
    diff = ImageChops.difference(first, second).convert("L").point(lambda v: 255 if v > 48 else 0)
    histogram = diff.histogram()
    return histogram[255] / (first.size[0] * first.size[1])


def blank(path):
    """A panel that shows nothing yet: one colour (black at boot, or the console's)."""
    colours = Image.open(path).convert("RGB").getcolors(maxcolors=8)
    return colours is not None and len(colours) <= 2


def similar(shot, reference, tolerance=0.04):
    """The same screen: at most `tolerance` of the pixels differ (a clock, a device line may)."""
    return not blank(shot) and _difference(shot, reference) <= tolerance


def changed(shot, before, threshold=0.05):
    return not blank(shot) and _difference(shot, before) > threshold


def upright(path, rotation):
    """Turns a screendump of a rotated panel back to the window's orientation, in place."""
    picture = Image.open(path)
    # PIL turns counter-clockwise: undoing a picture turned `rotation` degrees clockwise.
    picture.rotate(rotation, expand=True).save(path)


def window_to_panel(x, y, panel, rotation):
    """The panel pixel under window point (x, y) when the picture is turned `rotation` degrees clockwise on a
    panel of size `panel` (width, height): 90 puts the window's left edge at the panel's top."""
    width, height = panel
    if rotation == 0:
        return x, y
    if rotation == 90:
        return width - 1 - y, x
    if rotation == 180:
        return width - 1 - x, height - 1 - y
    if rotation == 270:
        return y, height - 1 - x
    raise ValueError(rotation)
