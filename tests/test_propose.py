"""Candidate proposal on pictures drawn in the test: liberal, both polarities, only specks and borders dropped."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from detector.segment.blobs import Blob, components, label, strength
from detector.segment.ink import ink_level, ink_mask, page_ink
from detector.segment.params import SegmentParams
from detector.segment.propose import is_border, page_mask, propose, propose_each


def picture(draw_on, size: tuple[int, int] = (300, 200), paper: int = 230) -> np.ndarray:
    img = Image.new("L", size, paper)
    draw_on(ImageDraw.Draw(img))
    return np.asarray(img, dtype=np.float32) / 255


def boxes(candidates, dark: bool | None = None) -> list[tuple[int, int, int, int]]:
    return [(c.blob.x0, c.blob.y0, c.blob.x1, c.blob.y1) for c in candidates if dark is None or c.dark_ink == dark]


def test_a_digit_touching_the_border_is_still_proposed():
    work = picture(lambda d: d.line([(150, 0), (150, 120)], fill=20, width=12))  # a 1 running off the top edge
    found = boxes(propose(work), dark=True)
    assert any(y0 == 0 and abs((x0 + x1) / 2 - 150) < 8 for x0, y0, x1, y1 in found)


def test_pieces_that_join_right_across_the_picture_are_not_proposed_joined():
    def draw(d, top: int = 0, bottom: int = 199):
        d.line([(150, top), (150, 146)], fill=20, width=12)  # a door's edge, cut by a pale crossing line ...
        d.line([(150, 154), (150, bottom)], fill=20, width=12)  # ... runs on below it

    found = boxes(propose(picture(draw)), dark=True)
    assert any(y0 == 0 for x0, y0, x1, y1 in found) and any(y1 == 200 for x0, y0, x1, y1 in found)  # each piece
    assert not any(y0 == 0 and y1 == 200 for x0, y0, x1, y1 in found)  # joined, they are the picture's edge
    inside = boxes(propose(picture(lambda d: draw(d, 20, 180))), dark=True)  # a stroke broken inside the picture
    assert any(y0 <= 20 and y1 >= 180 for x0, y0, x1, y1 in inside)


def test_a_bar_floating_over_a_body_two_thirds_of_the_digit_joins_it_clear_of_the_edge():
    # as the pen's 5 of "550": a bar 17 px tall 5 px over a body 40 px tall, 1.55 times its height together
    def five(top: int):
        def draw(d):
            d.rectangle([168, top, 200, top + 16], fill=20)
            d.ellipse([153, top + 22, 196, top + 61], outline=20, width=7)

        return draw

    joined = boxes(propose(picture(five(63))), dark=True)
    assert (153, 63, 201, 125) in joined
    # the same pieces run into the picture's edge: joined so tall there, they were mottle or grain
    at_edge = boxes(propose(picture(five(0))), dark=True)
    assert not any(y0 == 0 and y1 >= 60 for x0, y0, x1, y1 in at_edge)
    assert (168, 0, 201, 17) in at_edge and (153, 22, 197, 62) in at_edge  # each piece


def test_a_page_edge_along_a_whole_side_is_not_proposed():
    def draw(d):
        d.rectangle([0, 0, 299, 14], fill=10)  # the table behind the page, along the top
        d.ellipse([120, 60, 170, 140], outline=20, width=8)

    found = boxes(propose(picture(draw)), dark=True)
    assert not any(x1 - x0 > 250 for x0, y0, x1, y1 in found)
    assert any(115 <= x0 <= 125 and 55 <= y0 <= 65 for x0, y0, x1, y1 in found)


def test_both_polarities_are_proposed_the_likelier_first():
    def draw(d):
        d.rectangle([80, 40, 220, 160], fill=40)  # a dark sign on a pale wall ...
        d.line([(150, 60), (150, 140)], fill=240, width=10)  # ... with a white 1

    candidates = propose(picture(draw))
    assert candidates[0].dark_ink is True  # the wall is pale: dark ink is likelier
    light = boxes(candidates, dark=False)
    assert any(abs((x0 + x1) / 2 - 150) < 8 and y1 - y0 > 60 for x0, y0, x1, y1 in light)


def test_each_candidate_is_made_ready_on_its_polaritys_core_and_the_likelier_is_told():
    def sign(d):
        d.rectangle([80, 40, 220, 160], fill=40)  # a dark sign on a pale wall ...
        d.line([(150, 60), (150, 140)], fill=240, width=10)  # ... with a white 1

    work = picture(sign)
    pairs, likely = propose_each(work, lambda c: (c.dark_ink, c.blob.y0, c.blob.x0))
    assert likely is True  # the wall is pale

    def key(c):
        return c.dark_ink, c.source, (c.blob.y0, c.blob.x0, c.blob.y1, c.blob.x1), c.dotted

    assert [key(c) for c, _ in pairs] == [key(c) for c in propose(work)]  # the same candidates, the same order
    assert all(made == (c.dark_ink, c.blob.y0, c.blob.x0) for c, made in pairs)
    _, likely = propose_each(1.0 - work, lambda c: None)
    assert likely is False  # a dark wall: light ink is likelier
    _, told = propose_each(work, lambda c: None, likelier=False)
    assert told is False  # as the caller decided


def test_two_touching_digits_come_whole_and_split():
    def draw(d):
        d.ellipse([60, 50, 130, 150], outline=20, width=9)
        d.ellipse([122, 50, 192, 150], outline=20, width=9)

    candidates = propose(picture(draw))
    sources = {c.source for c in candidates if c.dark_ink}
    wide = [c for c in candidates if c.dark_ink and c.blob.width > 120]
    assert wide and "split" in sources


def test_specks_of_a_few_pixels_are_not_candidates():
    work = picture(lambda d: [d.point((20 * k + 10, 100), fill=0) for k in range(10)])
    assert propose(work) == [] or all(max(c.blob.height, c.blob.width) >= 6 for c in propose(work))


def test_is_border_is_about_whole_sides_and_whole_crossings():
    shape = (100, 200)
    assert is_border(Blob(0, 0, 10, 200, np.ones((10, 200), bool)), shape)  # along the top
    assert is_border(Blob(0, 90, 100, 96, np.ones((100, 6), bool)), shape)  # a door edge right across
    assert not is_border(Blob(0, 90, 60, 96, np.ones((60, 6), bool)), shape)  # a 1 touching the top
    wedge = np.arange(120)[None, :] >= 4 * (29 - np.arange(30))[:, None]  # a thin triangle along the bottom
    assert is_border(Blob(70, 40, 100, 160, wedge), shape)
    base = np.zeros((80, 60), bool)
    base[-8:] = True  # a 2 whose base runs along the bottom edge stands up from it
    base[:, -8:] = True
    assert not is_border(Blob(20, 40, 100, 100, base), shape)


def test_ink_a_few_pixels_short_of_the_edge_still_touches_it():
    shape = (100, 200)
    assert is_border(Blob(2, 90, 98, 96, np.ones((96, 6), bool)), shape)  # a door edge, blurred off both ends
    sliver = np.ones((40, 6), bool)  # a wedge's thin edge, 2 px in from the left, a fifth of the side long
    assert is_border(Blob(30, 2, 70, 8, sliver), shape)
    assert not is_border(Blob(30, 8, 70, 14, sliver), shape)  # the same stroke well inside is a 1


def test_faint_grain_of_empty_paper_is_not_proposed_but_pencil_is():
    rng = np.random.default_rng(0)
    paper = np.clip(0.8 + rng.normal(0, 0.02, (200, 300)), 0, 1).astype(np.float32)
    grain = paper.copy()
    grain[80:120, 60:75] -= 0.08  # a blotch 10 % darker than the paper
    pencil = paper.copy()
    pencil[80:120, 200:206] -= 0.3  # a pencil 1, a third darker
    pencil[80:86, 190:206] -= 0.3
    # cores (the strong ink of blobs the edge touches) are left out: the reading takes them only into a line
    found = [c.blob for c in propose(np.clip(grain + pencil - paper, 0, 1)) if c.source != "core"]
    assert any(b.x0 >= 185 and b.y0 >= 75 for b in found)
    assert not any(b.x1 <= 80 and b.y0 >= 75 and b.y1 <= 125 for b in found)


def test_a_blob_wide_enough_for_two_digits_is_also_cut_in_halves():
    from dataclasses import replace

    from detector.segment.params import DEFAULT
    from detector.segment.propose import equal_parts

    mask = np.zeros((100, 180), bool)
    mask[:, :8] = mask[:, 82:98] = mask[:, -8:] = True  # two touching 0s: sides and a thick middle
    mask[:8] = mask[-8:] = True
    wide = Blob(10, 20, 110, 200, mask)
    params = replace(DEFAULT, equal_width=1.5)
    halves = equal_parts(wide, 100, params)
    assert [(h.x0, h.x1) for h in halves] == [(20, 110), (110, 200)]
    assert equal_parts(wide, 130, params) == []  # not wide enough against its line
    assert equal_parts(wide, 100, replace(DEFAULT, equal_width=0)) == []  # switched off


def turned_sheet(ink: int = 125) -> np.ndarray:
    """A pale sheet turned on a black table (wedges along the sides), a grey pencil 4 on it."""

    def draw(d):
        d.polygon([(45, -5), (310, 25), (285, 215), (15, 185)], fill=205)  # the sheet; the table shows round it
        d.line([(140, 60), (110, 120), (175, 120)], fill=ink, width=8)
        d.line([(160, 70), (160, 150)], fill=ink, width=8)

    return picture(draw, paper=12)


def pencil_found(found) -> bool:
    return any(100 <= x0 <= 115 and 50 <= y0 <= 65 and 170 <= x1 <= 185 for x0, y0, x1, y1 in found)


def test_grey_pencil_on_a_sheet_turned_on_a_black_table_is_proposed():
    # The table's ink (1.0 against the sheet) set the whole picture's level above the pencil's 0.4.
    assert pencil_found(boxes(propose(turned_sheet()), dark=True))
    without = [c for c in propose(turned_sheet(), params=SegmentParams(page_level=0)) if c.source != "faint"]
    assert not pencil_found(boxes(without, dark=True))  # only the mask at a lower level would find it then


def test_the_level_is_measured_again_only_where_the_edge_decided_it():
    work = turned_sheet()
    ink = page_ink(work, True)
    mask = ink_mask(ink)
    again, labelled, level = page_mask(ink, mask, label(mask), ink_level(ink))
    assert level is not None and level < ink_level(ink)  # the page's own, below the table's
    assert not mask[100, 158:163].any() and again[100, 158:163].all()  # the pencil's stem joined
    assert not again[:10, 200:].any()  # the table's wedge along the top did not, nor what it grew into
    assert np.array_equal(labelled.labels > 0, again)  # its labelling is of the new mask
    plain = picture(lambda d: d.line([(150, 40), (150, 150)], fill=125, width=8))  # no table: as it was
    ink = page_ink(plain, True)
    mask = ink_mask(ink)
    same, _, level = page_mask(ink, mask, label(mask), ink_level(ink))
    assert same is mask and level == ink_level(ink)


def test_a_digit_joined_to_the_table_by_shade_is_proposed_by_its_strong_ink():
    def draw(d):
        d.rectangle([0, 0, 12, 199], fill=15)  # the table along the left side ...
        d.rectangle([13, 96, 72, 102], fill=160)  # ... a shadow, weak ink that joins it ...
        d.ellipse([70, 60, 130, 140], outline=25, width=9)  # ... to a 0 written beside it

    work = picture(draw)
    ink = page_ink(work, True)
    mask = ink_mask(ink)
    labelled = label(mask)
    whole = [b for b in components(mask, labelled=labelled) if b.x0 == 0]
    assert whole and whole[0].x1 > 120  # the mask holds the table, the shade and the 0 as one blob
    cores = [c for c in propose(work) if c.source == "core"]
    assert any(65 <= c.blob.x0 <= 75 and 125 <= c.blob.x1 <= 135 and 55 <= c.blob.y0 <= 65 for c in cores)
    assert all(c.blob.x0 > 3 for c in cores)  # the table's own strong ink touches the edge: not proposed


def test_a_digit_clear_of_the_edge_gives_no_core():
    work = picture(lambda d: d.ellipse([100, 50, 160, 140], outline=25, width=9))
    assert not [c for c in propose(work) if c.source == "core"]


def test_every_candidate_carries_its_strength_measured_once():
    def draw(d):
        d.rectangle([0, 0, 12, 199], fill=15)  # the table along the left side, joined by shade ...
        d.rectangle([13, 96, 72, 102], fill=160)
        d.ellipse([70, 60, 130, 140], outline=25, width=9)  # ... to a 0 (a core)
        d.ellipse([150, 50, 210, 150], outline=120, width=9)  # a paler 0 touching ...
        d.ellipse([202, 50, 262, 150], outline=120, width=9)  # ... another (whole and split)

    candidates = propose(picture(draw))
    assert {"blob", "split", "core"} <= {c.source for c in candidates}
    for c in candidates:
        assert c.strength == strength(c.blob, c.ink)


def test_a_digit_written_fainter_than_the_rest_is_proposed_from_a_lower_level():
    # turned 0120 at seed 7: "30", the 0 wholly below the level the 3 and the table's edge set
    def draw(d):
        d.rectangle([0, 0, 299, 8], fill=10)  # a dark band along the top (the table) ...
        d.line([(60, 60), (100, 60), (80, 95), (100, 130), (60, 140)], fill=40, width=9)  # ... a dark 3 ...
        d.ellipse([140, 70, 190, 145], outline=165, width=9)  # ... and a pale 0

    work = picture(draw)
    faint = [c for c in propose(work) if c.source == "faint"]
    assert faint and all(c.dark_ink for c in faint)
    assert any(135 <= c.blob.x0 <= 145 and 185 <= c.blob.x1 <= 195 for c in faint)  # the 0, whole
    assert not [c for c in propose(work, params=SegmentParams(faint_level=1.0)) if c.source == "faint"]
    # a 0 as dark as the 3 is in the mask itself, and nothing is faint
    dark = picture(lambda d: (draw(d), d.ellipse([140, 70, 190, 145], outline=40, width=9)))
    assert not [c for c in propose(dark) if c.source == "faint" and c.dark_ink]
