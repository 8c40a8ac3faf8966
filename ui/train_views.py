"""HTML and tables for the Train tab, from the data trainer_core computes (no logic, no gradio state).

Every piece of user text (data set texts, token strings, run names) goes through
``html.escape``. Styles are inline because the page's CSS belongs to ``launch()``.
"""
from __future__ import annotations

from html import escape

from trainer_core.i18n import t
from trainer_core.train_history import status_word
from trainer_core.train_live import format_seconds

KIND_COLOURS = {"special": "#6b7280", "a": "#3b82f6", "b": "#10b981", "pad": "#e5e7eb"}
CELL_PX = {"dynamic": 14, "max_length_grid": 4}


SERIES_KEYS = {"train loss": "tt.series_train_loss", "eval loss": "tt.series_eval_loss", "accuracy": "tt.series_accuracy",
               "macro_f1": "tt.series_macro_f1", "planned": "tt.series_planned", "logged": "tt.series_logged"}


def series_label(name: str, lang: str) -> str:
    """'trainer · train loss' in the page's language (the backend names are code names, kept)."""
    backend, _, series = name.rpartition(" · ")
    words = t(SERIES_KEYS[series], lang) if series in SERIES_KEYS else series
    return f"{backend} · {words}" if backend else words


def legend_html(colours: dict, lang: str = "en") -> str:
    """A chart legend: a coloured line and the series' name. The chart's data keep language-neutral
    names (its colours are fixed to them at first render), so the legend translates them."""
    items = "".join(f'<span style="margin-right:14px;white-space:nowrap"><span style="display:inline-block;width:18px;'
                    f'height:3px;background:{c};vertical-align:middle;margin-right:4px"></span>'
                    f'{escape(series_label(name, lang))}</span>'
                    for name, c in colours.items())
    return f'<div class="tt-legend" style="font-size:12px">{items}</div>'


def notes_md(notes: list[dict], lang: str) -> str:
    return "\n".join(f"- {t(n['key'], lang, **n['params'])}" for n in notes)


def estimate_md(est: dict, lang: str, notes: list[dict] | None = None) -> str:
    lines = [f"**{t('tt.est_title', lang)}**", ""]
    lines.append(t("tt.est_steps", lang, steps=f"{est['steps']:,}", per_epoch=f"{est['steps_per_epoch']:,}",
                   rows=f"{est['train_rows']:,}", eval_rows=f"{est['eval_rows']:,}", evals=est["evals"]))
    lines.append(t("tt.est_tokens", lang, real=f"{est['tokens_real']:,}", computed=f"{est['tokens_computed']:,}",
                   share=f"{est['padded_share']:.1%}", mean=f"{est['mean_length']:.1f}", max_length=est["max_length"]))
    if est.get("seconds") is not None:
        how = t("tt.est_share_measured" if est["calibrated"] else "tt.est_share_assumed", lang)
        lines.append(t("tt.est_time", lang, time=format_seconds(est["seconds"]),
                       tflops=f"{est['flops'] / 1e12:.2f}", gflops=f"{est['flops_per_second'] / 1e9:.0f}",
                       params=f"{est['params']:,}", non_embedding=f"{est['params_non_embedding']:,}",
                       share=f"{est['utilization']:.0%}", how=how))
        lines.append(t("tt.est_memory", lang, memory=f"{est['memory_bytes'] / 2**20:,.0f}",
                       size=f"{(est.get('run_bytes') or 0) / 2**20:,.0f}"))
    else:
        lines.append(t("tt.est_no_time", lang, model=est["model"]))
    text = "\n\n".join(lines)
    warnings = [f"- ⚠️ {t(w['key'], lang, **w['params'])}" for w in est.get("warnings") or []]
    if warnings:
        text += "\n\n" + "\n".join(warnings)
    if notes:
        text += "\n\n" + notes_md(notes, lang)
    return text


def progress_html(p: dict, lang: str, label: str = "") -> str:
    total, step = p.get("total") or 0, p.get("step") or 0
    share = min(1.0, step / total) if total else 0.0
    colour = {"stopped": "#d97706", "failed": "#dc2626", "completed": "#16a34a"}.get(p.get("state"), "#2563eb")
    speed = p.get("samples_per_second")
    text = t("tt.progress", lang, step=step, total=total or "?", elapsed=format_seconds(p.get("elapsed")),
             remaining=format_seconds(p.get("remaining")),
             speed=f"{speed:.1f}" if isinstance(speed, (int, float)) else "-",
             state=t(f"tt.state_{p.get('state', 'idle')}", lang))
    prefix = f"<b>{escape(label)}</b> " if label else ""
    return (f'<div class="tt-progress" data-step="{step}" data-total="{total}" data-state="{escape(str(p.get("state")))}">'
            f'<div style="font-size:14px;margin-bottom:4px">{prefix}{escape(text)}</div>'
            f'<div style="background:#e5e7eb;border-radius:6px;height:14px;overflow:hidden">'
            f'<div style="width:{share * 100:.1f}%;background:{colour};height:14px;transition:width .4s"></div>'
            f"</div></div>")


def runs_table(records: list[dict], lang: str = "en") -> list[list]:
    """[run, backend, status, accuracy, macro-F1, baseline accuracy, baseline macro-F1, runtime s]."""
    def fmt(v):
        return f"{v:.3f}" if isinstance(v, (int, float)) else "-"

    rows = []
    for r in records:
        res = r["results"]
        rows.append([r["run_dir"].rstrip("/").split("/")[-1], r["config"].get("backend", "?"),
                     status_word(res.get("status", "?"), lang),
                     fmt(res.get("eval_accuracy")), fmt(res.get("eval_macro_f1")), fmt(res.get("baseline_accuracy")),
                     fmt(res.get("baseline_macro_f1")), fmt(res.get("train_runtime"))])
    return rows


def confusion_styler(results: dict, corner: str = "true \\ predicted"):
    """The confusion matrix as a styled DataFrame: rows = true label, columns = predicted; darker = more rows."""
    import pandas as pd

    names = list(results.get("label_names") or [])
    matrix = results.get("confusion_matrix") or []
    frame = pd.DataFrame(matrix, index=names, columns=names)
    frame.insert(0, corner, names)
    peak = max([max(row) for row in matrix if row] or [1]) or 1

    def shade(column):
        if column.name == corner:
            return ["font-weight: 600"] * len(column)
        out = []
        for true_name, value in zip(names, column):
            strength = value / peak
            hue = "22,163,74" if true_name == column.name else "220,38,38"  # right: green, wrong: red
            out.append(f"background-color: rgba({hue},{0.08 + 0.72 * strength:.2f})" if value else "")
        return out

    return frame.style.apply(shade, axis=0)


def anatomy_md(a: dict, lang: str) -> str:
    share = a["head"] / a["total"] if a["total"] else 0.0
    lines = [t("tt.anat_counts", lang, model=a["model"], body=f"{a['body']:,}", head=f"{a['head']:,}",
               share=f"{share:.3%}", labels=a["labels"])]
    lines.append(t(a["reason"], lang, names=", ".join(f"`{n}`" for n in a["new"][:8]) or "-"))
    return "\n\n".join(lines)


def xray_html(data: dict, lang: str) -> str:
    items = []
    for item in data["items"]:
        params = {k: (t("tt.on" if v else "tt.off", lang) if isinstance(v, bool) else v)
                  for k, v in item["params"].items()}
        text = escape(t(item["key"], lang, **params))
        items.append(f'<li style="margin:6px 0">{text}<br><code style="font-size:12px;opacity:.75">'
                     f'{escape(item["arg"])}</code></li>')
    head = t("tt.xray_intro_trainer" if data["backend"] == "trainer" else "tt.xray_intro_loop", lang)
    return f'<div class="tt-xray"><p>{escape(head)}</p><ol>{"".join(items)}</ol></div>'


def _grid_html(grid: dict, name: str) -> str:
    px = CELL_PX.get(name, 8)
    rows = []
    for kinds, tokens in zip(grid["kinds"], grid["tokens"]):
        cells = "".join(f'<span title="{escape(str(tok))}" style="display:inline-block;width:{px}px;height:14px;'
                        f'background:{KIND_COLOURS[k]};margin-right:1px"></span>'
                        for k, tok in zip(kinds, tokens))
        rows.append(f'<div style="white-space:nowrap;line-height:0;margin-bottom:1px">{cells}</div>')
    return "".join(rows)


def microscope_html(data: dict, lang: str) -> str:
    legend = " ".join(f'<span style="display:inline-block;width:12px;height:12px;background:{KIND_COLOURS[k]};'
                      f'vertical-align:middle"></span> {escape(t(f"tt.mic_kind_{k}", lang))}' for k in KIND_COLOURS)
    panels = []
    for name in ("dynamic", "max_length_grid"):
        grid = data[name]
        title = t(f"tt.mic_{name}", lang, rows=grid["shape"][0], cols=grid["shape"][1],
                  share=f"{grid['padded_share']:.1%}", max_length=data["max_length"])
        panels.append(f'<div class="tt-mic-{name}" data-padded="{grid["padded_share"]:.4f}" '
                      f'style="flex:1;min-width:280px;overflow-x:auto"><p><b>{escape(title)}</b></p>'
                      f'{_grid_html(grid, name)}</div>')
    return (f'<div class="tt-microscope"><p>{legend}</p><div style="display:flex;gap:24px;flex-wrap:wrap">'
            f'{"".join(panels)}</div><p style="font-size:12px;opacity:.8">{escape(t("tt.mic_hover", lang))}</p></div>')
