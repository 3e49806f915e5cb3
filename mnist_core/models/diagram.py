"""A model config as a DOT graph (rendered by st.graphviz_chart; no system graphviz needed)."""

from mnist_core.models import kinds

_FILL = {"Conv2D": "#d7ecd9", "Dense": "#cfe3f7", "BatchNormalization": "#efe3f7"}


def dot(model_config) -> str:
    """Left-to-right boxes: the input, then every layer with its output shape and parameters."""
    nodes = ['input [label="input\\n28×28 pixels", shape=box, style=rounded]']
    for index, row in enumerate(kinds.layers(model_config)):
        fill = next((color for prefix, color in _FILL.items() if row.name.startswith(prefix)),
                    "#fde2c7")
        shape = "×".join(str(dimension) for dimension in row.output_shape)
        detail = f"{row.parameters:,} parameters" if row.parameters else "no parameters"
        nodes.append(f'layer{index} [label="{row.name}\\n→ {shape}\\n{detail}", '
                     f'shape=box, style="rounded,filled", fillcolor="{fill}"]')
    names = ["input"] + [f"layer{index}" for index in range(len(nodes) - 1)]
    return ("digraph model {\n  rankdir=LR;\n  node [fontname=Helvetica, fontsize=11];\n  "
            + ";\n  ".join(nodes) + f";\n  {' -> '.join(names)};\n}}")
