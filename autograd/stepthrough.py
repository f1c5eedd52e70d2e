"""The backward pass as pictures: one frame per step of an `Explanation`.

The graph is laid out once (so nothing moves between frames); each frame is a copy of that
SVG where the node being processed is outlined, the edge carrying its gradient to the parent
is drawn thick and red, the parent is filled green, and every node's gradient reads as it
stands at that step ("grad ?" before the walk reaches it). Under each picture: the chain-rule
line of the step, the same text `str(explanation)` prints. The HTML page is self-contained:
inline SVGs, a slider and a few lines of script, nothing fetched from the network.
"""
import copy
import html
import xml.etree.ElementTree as ET
from collections import namedtuple

import numpy as np

from .viz import Graph, _nodes, summarize
from .vizmodel import build

__all__ = ["Frame", "Frames", "frames", "to_html"]

_SVG = "http://www.w3.org/2000/svg"
ET.register_namespace("", _SVG)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
_NODE, _EDGE, _PARENT = "#ea580c", "#dc2626", "#bbf7d0"

Frame = namedtuple("Frame", "index step text svg")
Frame.__doc__ = "One step: its `Step`, the chain-rule text under the picture, and the picture (SVG text)."


class Frames(list):
    """The frames of a backward pass; shown in Jupyter as the step-through with its slider."""

    def __init__(self, frames, title):
        super().__init__(frames)
        self.title = title

    def to_html(self):
        return _page(self, self.title)

    def _repr_html_(self):
        # Inside a notebook the page's own markup and script run in a sandboxed frame.
        return f'<iframe srcdoc="{html.escape(self.to_html())}" style="width:100%;height:560px;border:0"></iframe>'


def frames(e, rankdir="LR", params=None):
    """The `Frames` of explanation `e` (see `Explanation.frames`)."""
    order, extra = _nodes(e.root)
    # The explanation's names, so that the picture and the chain-rule lines say the same.
    given = {id(n): name for n, name in e.names.items()}
    marked = {id(p) for p in params or ()}
    nodes, edges, root_id, hidden, where = build(e.root, order, extra, e.totals, given, marked, False, None)
    graph = Graph(nodes, edges, root_id, hidden, rankdir, f"backward pass of {e.root_name}", where)
    base = ET.fromstring(graph.svg())
    edge_of = {(d["source"], d["target"]): f"e{k}" for k, d in enumerate(edges)}
    shows = {}  # drawn id -> the graph node whose gradient it shows (a block: its output, the last)
    for n in order:
        if id(n) in where:
            shows[where[id(n)]] = n
    totals, out = {e.root: e.totals[e.root]}, []
    for i, (s, (node, parent)) in enumerate(zip(e.steps, e.pairs)):
        totals[parent] = s.total
        src, dst = where.get(id(parent)), where.get(id(node))
        svg = copy.deepcopy(base)
        groups = {g.get("id"): g for g in svg.iter(f"{{{_SVG}}}g")}
        for nid, n in shows.items():
            if nid in groups:
                _set_grad(groups[nid], _grad_text(totals.get(n), e.scalar))
        _outline(groups.get(dst), _NODE)
        _fill(groups.get(src), _PARENT)
        if src != dst:
            _outline(groups.get(edge_of.get((src, dst))), _EDGE)
            _outline(groups.get(f"{dst}_op"), _EDGE)
        text = f"{e.head(s)}\n  {e.line(s)}"
        out.append(Frame(i, s, text, ET.tostring(svg, encoding="unicode")))
    return Frames(out, f"Backward pass of {e.root_name}: {len(out)} steps")


def _grad_text(g, scalar):
    """A gradient as the drawing writes it; "grad ?" before the walk has reached the node."""
    if g is None:
        return "grad ?"
    if scalar:
        return f"grad {g:.4g}"
    return f"grad {summarize(g)}" if np.size(g) <= 6 else f"‖grad‖ {np.linalg.norm(np.ravel(g)):.4g}"


def _set_grad(group, text):
    if text is None:
        return
    for t in group.iter(f"{{{_SVG}}}text"):
        if t.text and (t.text.startswith("grad ") or t.text.startswith("‖grad‖")):
            t.text = text


def _outline(group, colour):
    if group is None:
        return
    for shape in group:
        if shape.tag.split("}")[1] in ("polygon", "ellipse", "path", "polyline"):
            shape.set("stroke", colour)
            shape.set("stroke-width", "3")


def _fill(group, colour):
    if group is None:
        return
    for shape in group:
        if shape.tag.split("}")[1] in ("polygon", "ellipse", "path"):
            shape.set("fill", colour)
            return


_STYLE = """body{font-family:Helvetica,Arial,sans-serif;margin:1em}
.frame{display:none}.frame.on{display:block}.frame svg{max-width:100%;height:auto}
pre{background:#f3f4f6;padding:.6em;white-space:pre-wrap}
#controls{display:flex;gap:.6em;align-items:center;margin:.6em 0}#slider{flex:1}
.legend span{padding:0 .4em;margin-right:.6em}"""

_SCRIPT = """(function(){
  var frames=document.querySelectorAll('.frame'), slider=document.getElementById('slider'),
      label=document.getElementById('at');
  function show(i){
    i=Math.max(0,Math.min(frames.length-1,i));
    for(var k=0;k<frames.length;k++){frames[k].className=k===i?'frame on':'frame';}
    slider.value=i; label.textContent='step '+(i+1)+' of '+frames.length;
  }
  slider.addEventListener('input',function(){show(parseInt(slider.value,10));});
  document.getElementById('prev').addEventListener('click',function(){show(parseInt(slider.value,10)-1);});
  document.getElementById('next').addEventListener('click',function(){show(parseInt(slider.value,10)+1);});
  document.addEventListener('keydown',function(ev){
    if(ev.key==='ArrowRight'){show(parseInt(slider.value,10)+1);}
    if(ev.key==='ArrowLeft'){show(parseInt(slider.value,10)-1);}
  });
  show(0);
})();"""


def _page(frames, title):
    body = []
    for f in frames:
        body.append(f'<div class="frame" id="frame{f.index}" data-step="{f.index}">{f.svg}'
                    f"<pre>{html.escape(f.text)}</pre></div>")
    legend = (f'<p class="legend"><span style="outline:3px solid {_NODE}">node being processed</span>'
              f'<span style="outline:3px solid {_EDGE}">edge carrying the gradient</span>'
              f'<span style="background:{_PARENT}">parent receiving it</span></p>')
    last = max(len(frames) - 1, 0)
    controls = (f'<div id="controls"><button id="prev">&#9664;</button><input type="range" id="slider" min="0" '
                f'max="{last}" value="0"><button id="next">&#9654;</button><span id="at"></span></div>')
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>{legend}{controls}"
            f"{''.join(body)}<script>{_SCRIPT}</script></body></html>\n")


def to_html(e, path=None, rankdir="LR", params=None):
    """The step-through page of explanation `e`; written to `path` (UTF-8) when given."""
    page = frames(e, rankdir, params).to_html()
    if path is not None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(page)
    return page
