"""The tunable numbers of segmentation, one frozen value passed down by ``find_digits``.

Lengths are in working pixels (the copy segmentation runs on, at most ``work_side`` on
its longer side); fractions are of the line height, of a blob's box or of an ink level,
as each field says. A bench sweeps one without touching module state:

    >>> from dataclasses import replace
    >>> replace(DEFAULT, frame_fill=0.25).frame_fill
    0.25
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SegmentParams:
    """Every number the segmentation steps tune, with the values the figures were measured with."""

    # ink: working copy, lighting, polarity, mask
    work_side: int = 1200  # longer side of the working copy of a large photo
    min_work_side: int = 96  # tiny crops are enlarged so that strokes span a few pixels
    background_side: int = 128  # the background is estimated on a copy this large
    min_page_contrast: float = 0.12  # ink must be at least this much darker (or lighter) than the paper
    dark_paper: float = 0.3  # paper darker than this is not brightened further
    faint_level: float = 0.7  # a second mask at this fraction of the level finds digits written fainter
    low_fraction: float = 0.5  # hysteresis: weak ink counts when it touches ink above the Otsu level

    # rules: long thin horizontal lines
    rule_over_digit: float = 3.0  # a rule is at least this many times longer than the ink near it
    min_rule: int = 15  # shortest run that can be a rule
    min_ink: int = 12  # pixels; smaller bits near a rule are specks and do not count
    max_bridge: int = 5  # strokes are bridged across rules up to this thick
    thin_rule: float = 8.0  # a rule is at least this many times longer than it is thick

    # blobs: components kept, merged and split
    min_side: int = 6  # anything smaller is a speck
    min_area: int = 12
    split_width: float = 1.25  # a blob wider than this many line heights may be two touching digits
    force_split_width: float = 1.6  # ... and one this wide is split even without a clear valley
    valley: float = 0.6  # a cut column holds at most this fraction of the blob's mean column ink
    narrow_pair: float = 1.0  # blobs wider than this many line heights split at a deep valley ...
    deep_valley: float = 0.25  # ... holding at most this fraction of the mean column ink
    stack_gap: float = 0.15  # stacked pieces of one digit are at most this far apart (fraction of the height)
    stack_height: float = 1.5  # ... and together at most this many times the taller one's height
    # ... or this many where the joined pieces stand clear of the picture's edge: a pen's 5 whose bar floats
    # above a body two thirds of the digit ("550": 1.51), while pieces of mottle or grain run on at an edge
    clear_stack_height: float = 1.75
    touch: float = 0.04  # side-by-side pieces this close (fraction of the height) are one broken digit
    faint: float = 0.45  # blobs whose ink is weaker than this fraction of the strongest are not writing
    frame_fill: float = 0.2  # a frame's ink covers less than this fraction of its box ...
    frame_content: float = 0.3  # ... and it encloses a blob at least this fraction of its height
    # frames.face_ink: a frame's face is read this fraction of its smaller side in from its box ...
    face_inset: float = 0.05
    frame_side: float = 0.15  # ... its border is at most this fraction of that side thick ...
    frame_clear: float = 0.1  # ... and its blob's ink covers at most this fraction of a band as wide beyond it
    # frames.ring_ink, where digits as tall as a plate's face cut it into pieces: the face is the holes this share
    # as tall as the tallest (a digit's loops are less), two or more, and this share of the region with its holes
    ring_tall: float = 0.8
    ring_face: float = 0.25
    # ... each row and column crosses the region with its holes nearly once, filling this share of their spans:
    # generated plates measure 0.998-1.0, the paper round the strokes of the speed benchmark's "2719" 0.94
    ring_convex: float = 0.98
    # ... its border is as thick as the face comes near the outline, at this quantile of the face's depth along
    # the ink (the digits' sides lie deeper), and is taken off with this share of it again ...
    ring_depth: float = 0.1
    ring_margin: float = 0.25
    # ... and is at most this share of the region's smaller side thick: plates' measure 0.03-0.06, the paper
    # round the strokes of a printed number 0.12-0.14
    ring_side: float = 0.1
    ring_edge: float = 0.5  # ... and leaves an inner edge at least this share face (plates: 0.64-1.0)
    frame_line: float = 0.06  # a piece in a face thinner than this fraction of its length is a line (frames.is_line)
    # A blob at least half as wide as tall with ink over this much of its box is a solid patch
    # (a sign's body read in the wrong polarity): digits that wide reach 0.69 at most, measured
    # on the real photos, generated scenes and signs.
    solid_fill: float = 0.75
    hole_host_fill: float = 0.5  # a blob inside the box of one this solid (and twice as tall) is a hole in it

    # lines: grouping and reading order
    same_line: float = 0.5  # vertical overlap, as a fraction of the shorter blob, that puts two blobs on one line
    small_in_line: float = 0.45  # blobs shorter than this fraction of their line's tallest are specks or marks
    tall_in_line: float = 1.5  # blobs taller than this many times their line's median height are not digits
    small_line: float = 0.5  # lines shorter than this fraction of the tallest line are fine print, not the number
    # a line's digits more than this many of its heights apart are two numbers (choose.apart) ...
    number_gap: float = 3.0
    # ... and beside the number holding the most evidence, any other standing out from its paper less than this
    # share of it is not writing: 2-4 heights and 0.7-0.8 dropped the same two walls' grain at seeds 1, 5, 6, 7,
    # 31 and 37, and nothing else
    number_ink: float = 0.7

    # strokes: MNIST-like pen width
    pool_side: int = 40  # large crops are max-pooled down to about this many px on the longer side
    thin_stroke: float = 0.09  # strokes thinner than this fraction of the longer side are thickened ...
    target_stroke: float = 0.14  # ... to about this (MNIST strokes measure 0.10-0.34, median 0.2, the same way)
    soften: float = 0.5  # Gaussian blur (px of a 20 px digit) of widened strokes, as MNIST's antialiasing

    # propose: candidates for a model that knows "not a digit" (detector.segment.propose)
    max_per_mask: int = 40  # the largest blobs of one mask are proposed (a textured wall has hundreds of specks)
    min_split: int = 12  # blobs shorter than this are not cut into digits
    max_pieces: int = 6  # a blob is cut into at most this many digits
    equal_width: float = 1.5  # a blob this many line heights wide is also cut into equal pieces (0: never)
    edge_run: float = 0.1  # ink lying along this fraction of one side of the picture ...
    edge_flat: float = 0.3  # ... and reaching into it less than this fraction of that run is the picture's edge
    # Digits read right in the generated sets stand out by 0.19 or more (all but 3 of 1,360 by
    # 0.35), those of the 24 real photos by 0.25 or more; the specks and grain of digit-free pictures
    # read as digits by 0.08-0.17 (0.18 rather than 0.15: digit-free +0.7 / +0.3 at seeds 1 / 6, the rest the same)
    min_strength: float = 0.18  # a candidate's ink is at least this much darker (or lighter) than its paper
    piece_strength: float = 0.15  # ... and a piece that joins others into one this much (then the whole, min_strength)
    edge_margin: int = 3  # ink this close to a side of the picture touches it
    # Where the picture's edge holds ink (a dark table round a turned sheet), the ink level is measured
    # again on the rest (detector.segment.propose.page_mask) and used when it is below page_level of the first
    page_level: float = 0.8  # (0: never)
    # punctuation (detector.segment.marks): a stroke with a dot straight above or below it, closer than
    # dot_gap of its height, the dot dot_small..dot_large of that height, round (dot_round) and solid (dot_fill):
    # printed "?" and "!" dots measure 0.23-0.31 of the stroke, 0.11-0.23 of it away; a bit broken off a
    # handwritten 5 below it 0.12, 0.06 away
    dot_small: float = 0.15
    dot_large: float = 0.45  # (0: never look for dots)
    dot_gap: float = 0.6
    dot_round: float = 2.0
    dot_fill: float = 0.55

    # choose: the reading by evidence (detector.segment.choose)
    keep: float = 0.5  # a candidate less sure than this of any digit is not read
    # ... unless it fits a line of digits exactly (height, top, bottom) and is this sure: 0.2 read 3 more of the
    # 1,600 generated pictures at seeds 1 and 6 than 0.3 did (embossed, turned) and lost none
    gap_keep: float = 0.2
    # ... or this sure in a line with a digit other than 1: a hand's hooked 7s (12-13 % a 7 to the network, the
    # rest "not a digit"); in a line of nothing but 1s, 0.1 made the two sides of an empty frame a "121"
    shown_gap: float = 0.1
    line_fit: float = 0.15  # "exactly": within this fraction of the line's height
    # ... or its height so, and its top and bottom moved alike by at most this much: a hand sets a digit higher
    line_bob: float = 0.3
    # ... its top and bottom followed along a line sloping up to this many rows per column (0: flat)
    line_tilt: float = 0.15
    # ... and a core (the strong ink of a blob the picture's edge touches, sure of a digit) within this fraction:
    # the shade it was joined by leaves its edges ragged; 0.3 read "456" and "6376" whole at seed 13 (their
    # last digit's bottom 0.2 of a height off the line) and changed nothing at seeds 1, 6 and 11
    core_fit: float = 0.3
    # a core read as a 1 joins a line only when it is lone_sure and at least this share of the line's other
    # digits' median width: a printed 1 with a foot and a flag ("7431" read 743, its 1 joined to the table);
    # a plate's side cut from its border is a thin line
    core_one: float = 0.5
    gap_alone: float = 0.9  # a line of one digit takes such candidates too when its digit is this sure (>1: never)
    lone_sure: float = 0.9  # a reading of nothing but 1s keeps only strokes this sure (and clear of the edge):
    # the threshold below which any digit is flagged unsure (results.LOW_CONFIDENCE)
    explain: float = 0.7  # ... and 1s cut from one blob hold at least this fraction of its ink (0: off)
    piece_sure: float = 0.97  # ... and so does a lone digit of any kind less sure than this (alone.lone_piece)
    ring_hole: float = 2.0  # a blob around a hole this many times its ink is a frame (its sides are pieces of it)
    lone_small: float = 0.3  # a lone digit shorter than this fraction of the picture must be lone_sure too
    # ... or this sure that it is a digit at all (its ten digits' probabilities summed), where the network doubts
    # only which: a pen's 6 alone on a turned sheet, 71 % a 6 and 0.3 % "not a digit" (turned s7 0153); at seeds
    # 1, 5, 6, 7, 31 and 37 no digit-free picture gained a digit by it
    lone_digit: float = 0.99
    # ... but a lone stroke at least lone_small of the picture tall (its subject) only this: a ruler-straight
    # 1 drawn on the pad measures 0.84, 0.78 averaged over shifts (0.7 and 0.8 read seeds 1 and 6 alike)
    subject_sure: float = 0.7
    # ... and every such stroke stands out from its paper by this much (blobs.strength): the 92 lone 1s read
    # right at seeds 1 and 6 measure 0.46 or more; 7 of the 19 false ones (strips of shaded wall) less than this
    lone_strength: float = 0.35
    # ... and a lone digit of any kind that the picture's edge cuts, this much: at seeds 1 and 6, 3 lone
    # false digits (paper grain, the table) measured 0.16-0.20, the faintest lone digit read right at the edge 0.24
    edge_strength: float = 0.22
    side_reach: float = 0.1  # a 1 ending a line that reaches this far past its digits above and below is a side
    # ... or this far where the network doubts it (less than lone_sure): a plate's thin side in a small crop, read
    # as a 1 at 54-78 %, reaches 0.05-0.13 past the digits; at seeds 1, 5, 6, 7, 31 and 37, 0.03 read 16 more
    # pictures right (14 small crops) and lost none, 0 lost a handwritten 1 of "16061" too
    doubt_reach: float = 0.03
    # ... and so is one standing out from its paper by less than side_strength of the digits' median: at seeds
    # 1 and 6 the extra 1s of plates' borders in small crops measured 0.47-0.68 (at 0.16-0.35 of the digits'
    # width); a handwritten 1 in a scene measured 0.79. Thin ones only at first: any width read four more
    # pictures right at seeds 7, 31 and 37 (a patch of wall beside a plate's 5, 0.54) and lost none of the six
    side_strength: float = 0.7
    # a digit ending a line of three or more that the picture's side cuts there, narrower than this share of
    # the line's other digits (their median width), is what the crop cut off (choose.cut_ends): at seeds 1, 5,
    # 6, 7, 31 and 37, 0.6 and 0.7 read a small crop's "495" and "68561" right (seed 7) and lost nothing; the
    # first 3 of a face's "31379", a third of it in the picture, went too (read wrong before and after)
    cut_width: float = 0.6
    overlap: float = 0.3  # two boxes sharing this fraction of the smaller one cannot both be digits
    # a candidate around a sure one of the other polarity this much stronger is its paper: the four such
    # halos at seeds 1 and 6 measured 0.18-0.54 weaker, the paper in a plate's 0 (its hole) 0.11 stronger
    halo_margin: float = 0.15
    # ... and this much where the digit is in doubt (at least keep, of the picture's likelier polarity): a
    # phone's vignetting round a doubted 2 (filled 0018 at seed 5) measured 0.33 weaker, an embossed 0's rim 0.18
    doubt_margin: float = 0.3
    tall_digit: float = 1.6  # in a line, a digit taller than this many times the line's height is something else ...
    short_digit: float = 0.5  # ... and one shorter than this fraction of it a speck or a mark
    # ... or, read as a 1, shorter than this: a 1 is a stroke the height of the line, and the three shortest
    # read right at seeds 1, 5, 6, 7, 31 and 37 measured 0.635-0.643 (a plate's, a sign's beside 3s whose boxes
    # took their shadow in, an embossed card's); the top of an 8 a cut left, read as a 1, 0.58 ("182" read 1812)
    short_one: float = 0.6
    bar_aspect: float = 12.0  # a solid stroke this many times taller than wide ...
    bar_fill: float = 0.85  # ... filling this much of its box is a straight bar (a 1 only beside other digits)
    # a chosen digit narrower than this share of its line's other digits (width-to-height, their median) ...
    narrow_one: float = 0.8
    # ... is this many times likelier a 1 (ones.narrow_ones): at seeds 1 and 6, in handwriting (scenes, turned)
    # 81 % of 191 1s in lines were that narrow and 20 % of 1,438 other digits (a likelihood ratio of 4.1), in
    # print (signs, plates, small, embossed, faces) 54 % of 257 and 0.6 % of 2,307 (96): the smaller one
    one_odds: float = 4.0
    # a lone digit (a reading of one) narrower than this share of its own height ...
    slender_one: float = 0.5
    # ... is this many times likelier a 1 (ones.slender_alone). Measured at seeds 1 and 6 on the candidates
    # that sit on a digit's box: in handwriting (scenes, turned, filled) 63 % of 273 1s were that slender and
    # 0.9 % of 2,136 other digits (the 7s 1.8 %, 4 of 222: a ratio of 35 against a 7), in print (signs,
    # plates, small) 14 % of 325 1s and 0.07 % of 2,850 others (202). Below the smallest, for unseen hands
    slender_odds: float = 20.0

    # cut: a digit's ink levels
    saturate: float = 0.6  # fraction of a digit's strong ink level that is drawn at full brightness
    floor: float = 0.25  # ... and the fraction below which its ink is dropped


DEFAULT = SegmentParams()
