"""The backward pass step by step as pictures: one frame per step, the same numbers as the text,
a self-contained HTML page, and that page working in a real headless browser."""
import html.parser
import re
import shutil
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from autograd import Tensor, Value, explain_backward
from autograd.viz import find_renderer

pytestmark = pytest.mark.skipif(find_renderer() is None, reason="no Graphviz renderer (dot or graphviz-pure)")
SVG = "{http://www.w3.org/2000/svg}"


def lesson():
    w, x, b, y = Value(0.5, label="w"), Value(2.0, label="x"), Value(0.1, label="b"), Value(3.0, label="y")
    loss = (w * x + b - y) ** 2
    loss.label = "loss"
    return loss


class _Page(html.parser.HTMLParser):
    """The frames of a step-through page: their ids, SVG text and chain-rule text; and what it loads."""

    def __init__(self):
        super().__init__()
        self.frames, self.external, self.scripts, self._in = [], [], 0, None
        self.slider = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "div" and "frame" in (a.get("class") or ""):
            self.frames.append({"step": int(a["data-step"]), "svg": 0, "text": ""})
        elif tag == "svg" and self.frames:
            self.frames[-1]["svg"] += 1
        elif tag == "pre" and self.frames:
            self._in = "pre"
        elif tag == "input" and a.get("type") == "range":
            self.slider = a
        elif tag == "script":
            self.scripts += 1
        for key in ("src", "href"):
            if a.get(key):
                self.external.append(a[key])

    def handle_endtag(self, tag):
        if tag == "pre":
            self._in = None

    def handle_data(self, data):
        if self._in == "pre":
            self.frames[-1]["text"] += data


def test_one_frame_per_step_with_the_numbers_of_the_text():
    e = explain_backward(lesson())
    frames = e.frames()
    assert len(frames) == len(e) == 7
    text = str(e)
    for f, s in zip(frames, e):
        assert f.step is s
        assert e.line(s) in f.text and e.line(s) in text  # the same chain-rule line as the text
        svg = ET.fromstring(f.svg)
        texts = [t.text for t in svg.iter(SVG + "text") if t.text]
        # the parent's gradient in the picture is the step's running total
        assert f"grad {s.total:.4g}" in texts


def test_frames_highlight_the_node_the_edge_and_the_parent():
    e = explain_backward(lesson())
    frames = e.frames()
    last = ET.fromstring(frames[-1].svg)  # d(w*x)/dx: the node w*x, its edge from x, x itself
    groups = {g.get("id"): g for g in last.iter(SVG + "g")}
    texts = {g.get("id"): [t.text for t in g.iter(SVG + "text")] for g in groups.values()}
    node = next(k for k, v in texts.items() if v and v[0] == "w*x")
    parent = next(k for k, v in texts.items() if v and v[0] == "x")
    assert any(s.get("stroke") == "#ea580c" for s in groups[node])
    assert any(s.get("fill") == "#bbf7d0" for s in groups[parent])
    red = [g.get("id") for g in groups.values() if g.get("class") == "edge" and any(
        s.get("stroke") == "#dc2626" for s in g)]
    assert len(red) == 1
    # before the walk reaches a node its gradient is not known yet
    first = ET.fromstring(frames[0].svg)
    assert "grad ?" in [t.text for t in first.iter(SVG + "text")]


def test_html_is_self_contained_with_a_frame_per_step(tmp_path):
    e = explain_backward(lesson())
    path = tmp_path / "steps.html"
    page = e.to_html(path)
    assert path.read_text(encoding="utf-8") == page
    parsed = _Page()
    parsed.feed(page)
    assert [f["step"] for f in parsed.frames] == list(range(len(e)))
    assert all(f["svg"] == 1 for f in parsed.frames)
    assert parsed.external == [] and "http://" not in page.replace("http://www.w3.org", "")
    assert parsed.slider["min"] == "0" and parsed.slider["max"] == str(len(e) - 1)
    for f, s in zip(parsed.frames, e):
        assert e.line(s) in f["text"]
    assert "<iframe srcdoc=" in e.frames()._repr_html_()  # inline in Jupyter


def test_tensor_model_step_through_uses_blocks():
    nn = pytest.importorskip("nn")
    model = nn.Sequential(nn.Linear(3, 2), nn.Tanh())
    loss = model(Tensor(np.ones((4, 3), dtype=np.float32), name="x")).mean()
    e = explain_backward(loss, names=dict(model.named_parameters()))
    frames = e.frames()
    assert len(frames) == len(e)
    texts = [t.text for t in ET.fromstring(frames[-1].svg).iter(SVG + "text")]
    assert "Linear(3→2)" in texts and "Tanh" in texts and "mean" in texts
    # the mean's own sum step highlights the mean node: the picture has no separate sum
    first = ET.fromstring(frames[0].svg)
    assert any(s.get("stroke") == "#ea580c" for g in first.iter(SVG + "g") for s in g)


def test_command_line_writes_the_step_through(tmp_path, capsys):
    from chainrule.cli import main

    out = tmp_path / "steps.html"
    assert main(["graph", "(w*x + b - y)**2", "--set", "w=0.5,x=2,b=0.1,y=3", "--param", "w,b",
                 "--explain", "--html", str(out)]) == 0
    parsed = _Page()
    parsed.feed(out.read_text(encoding="utf-8"))
    assert len(parsed.frames) == 7
    printed = capsys.readouterr().out
    page = out.read_text(encoding="utf-8")
    # w and b drawn as parameters (blue) in every frame but the one where each receives its gradient
    assert page.count('fill="#dbeafe"') == 2 * 7 - 2
    for f in parsed.frames:
        line = f["text"].splitlines()[-1].strip()
        assert line in printed  # the page's lines are the printed explanation's


def test_command_line_html_needs_explain(capsys):
    from chainrule.cli import main

    assert main(["graph", "a*b", "--set", "a=1,b=2", "--html", "x.html"]) == 2
    assert "--html writes the step-through of --explain" in capsys.readouterr().err


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="chromium and chromium-driver are not installed")
def test_slider_reaches_every_frame_in_a_headless_browser(tmp_path):
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    e = explain_backward(lesson())
    path = tmp_path / "steps.html"
    e.to_html(path)
    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.get(path.as_uri())
        shown = []
        for i in range(len(e)):
            driver.execute_script("var s = document.getElementById('slider'); s.value = arguments[0];"
                                  "s.dispatchEvent(new Event('input'));", i)
            visible = [f for f in driver.find_elements(By.CSS_SELECTOR, ".frame") if f.is_displayed()]
            assert len(visible) == 1
            frame = visible[0]
            svg = frame.find_element(By.TAG_NAME, "svg")
            assert svg.size["width"] > 100 and svg.size["height"] > 50  # the picture is drawn
            shown.append(int(frame.get_attribute("data-step")))
            assert e.line(list(e)[i]) in frame.find_element(By.TAG_NAME, "pre").text
        assert shown == list(range(len(e)))
        driver.find_element(By.ID, "prev").click()
        assert driver.find_element(By.ID, "at").text == f"step {len(e) - 1} of {len(e)}"
        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        assert errors == []
    finally:
        driver.quit()


def test_frames_need_nothing_run_twice():
    e = explain_backward(lesson())
    before = [s.total for s in e]
    e.frames()
    assert [s.total for s in e] == before
    assert re.search(r"<Explanation of loss: 7 steps>", repr(e))
