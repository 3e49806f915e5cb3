"""Altair charts of how a class did, anonymised: one value per workspace, no names."""

import altair as alt
import pandas as pd


def best_accuracy_histogram(best: list[float], lecture: float | None) -> alt.LayerChart:
    """How many workspaces reached each best validation accuracy; the lecture's run as a rule."""
    frame = pd.DataFrame({"best": best})
    bars = alt.Chart(frame).mark_bar().encode(
        x=alt.X("best:Q", bin=alt.Bin(maxbins=20), title="best validation accuracy"),
        y=alt.Y("count():Q", title="workspaces"))
    layers = [bars]
    if lecture is not None:
        rule = pd.DataFrame({"x": [lecture], "text": [f"lecture {lecture:.2%}"]})
        layers += [alt.Chart(rule).mark_rule(color="#d62728", strokeWidth=3).encode(x="x:Q"),
                   alt.Chart(rule).mark_text(align="left", dx=4, dy=-6, color="#d62728")
                   .encode(x="x:Q", y=alt.value(0), text="text:N")]
    return alt.layer(*layers).properties(height=260)


def best_factors(points: list[dict], reference: float) -> alt.LayerChart:
    """Each workspace's best factor (chosen on validation) and its test mean, against a
    reference accuracy. points: {"factor", "accuracy"}."""
    frame = pd.DataFrame(points, columns=["factor", "accuracy"])
    dots = alt.Chart(frame).mark_circle(size=120, opacity=0.7).encode(
        x=alt.X("factor:Q", scale=alt.Scale(type="symlog", constant=1e-6),
                title="best L2 factor λ", axis=alt.Axis(format=".1e")),
        y=alt.Y("accuracy:Q", scale=alt.Scale(zero=False), title="its mean test accuracy"),
        tooltip=[alt.Tooltip("factor:Q", format=".2e"), alt.Tooltip("accuracy:Q", format=".4f")])
    hinton = alt.Chart(pd.DataFrame({"y": [reference]})).mark_rule(
        strokeDash=[6, 4], color="#2ca02c").encode(y="y:Q")
    return (dots + hinton).properties(height=260)
