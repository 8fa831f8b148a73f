# bench/results_md.py - the sections of bench/RESULTS.md.
#
# bench/run writes the head of bench/RESULTS.md: everything up to the
# first section heading listed in SECTIONS.  Each other bench script owns
# one section, headed by its line of SECTIONS, and rewrites only that
# one; bench/run rewrites the head and keeps every section as it was.
# A section runs from its heading to the next heading of SECTIONS, or to
# the end of the file, so it may hold any sub-headings of its own, but
# no line equal to another script's heading.  Python 3, stdlib only;
# imported by bench/run, bench/attack/run, bench/flood/run,
# bench/overload/run and bench/cachedb (its section: "Shared cache
# (Redis)").
import os

ATTACK = '## Cache poisoning (bench/attack/run)'
FLOOD = '## Random-subdomain flood (bench/flood/run)'
OVERLOAD = '## Overload (bench/overload/run)'
CACHEDB = '## Shared cache (Redis)'
SECTIONS = (ATTACK, FLOOD, OVERLOAD, CACHEDB)

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    'RESULTS.md')


def _read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ''


def _split(text):
    """(head, [(heading, section text without trailing newlines)])."""
    lines = text.split('\n')
    starts = [i for i, ln in enumerate(lines) if ln.rstrip() in SECTIONS]
    if not starts:
        return text, []
    head = '\n'.join(lines[:starts[0]])
    out = []
    for k, i in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        out.append((lines[i].rstrip(),
                    '\n'.join(lines[i:end]).rstrip('\n')))
    return head, out


def sections(path=PATH):
    """The text of every owned section in the file, in its order, for
    bench/run to put after the head it writes; '' when there is none."""
    return '\n\n'.join(t for _, t in _split(_read(path))[1])


def write_section(heading, lines, path=PATH):
    """Replace the section headed heading (one of SECTIONS) with lines,
    its heading first; add it at the end when the file has none.  The
    head and the other sections stay as they are."""
    if heading not in SECTIONS or not lines or lines[0] != heading:
        raise ValueError('not a section of bench/RESULTS.md: %r' % heading)
    head, secs = _split(_read(path))
    new = '\n'.join(lines).rstrip('\n')
    if any(h == heading for h, _ in secs):
        secs = [(h, new if h == heading else t) for h, t in secs]
    else:
        secs.append((heading, new))
    parts = [head.rstrip('\n')] if head.strip() else []
    parts += [t for _, t in secs]
    with open(path, 'w') as f:
        f.write('\n\n'.join(parts) + '\n')
