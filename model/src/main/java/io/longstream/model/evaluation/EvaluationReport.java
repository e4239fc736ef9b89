package io.longstream.model.evaluation;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Writes the points of an evaluation as {@value #CSV} (one row per model × mode × sinks × length),
 * {@value #MARKDOWN} (one row per model × mode × sinks, one column per length) and {@value #PNG}
 * (perplexity against evaluation length on a log axis, one line per model × mode × sinks: colour = model,
 * line style and marker = mode and sinks; the perplexity axis is logarithmic when the values span more than
 * a decade; points that could not be evaluated are left out). The PNG is drawn with XChart on a headless AWT image.
 */
public final class EvaluationReport {

  static {
    // Charts are drawn into an image; never reach for a display (servers and CI have none).
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  public static final String CSV = "perplexity.csv";
  public static final String MARKDOWN = "perplexity.md";
  public static final String PNG = "perplexity.png";

  static final String CSV_HEADER =
      "model,scheme,rope_scaling,mode,sinks,window,chunk,length,trained_context,windows,tokens_scored,"
          + "mean_nll,perplexity,max_position,status,seconds";

  private final List<PerplexityPoint> points;
  private final String description;

  /**
   * @param description Markdown paragraph saying which text and definitions were used
   */
  public EvaluationReport(List<PerplexityPoint> points, String description) {
    this.points = List.copyOf(points);
    this.description = description;
  }

  /** Writes the three files into {@code dir} (created if needed). */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(CSV), csv());
    Files.writeString(dir.resolve(MARKDOWN), markdown());
    try (OutputStream out = Files.newOutputStream(dir.resolve(PNG))) {
      BitmapEncoder.saveBitmap(chart(), out, BitmapEncoder.BitmapFormat.PNG);
    }
  }

  String csv() {
    StringBuilder out = new StringBuilder(CSV_HEADER).append('\n');
    for (PerplexityPoint p : points) {
      out.append(String.join(
              ",",
              field(p.model()),
              p.scheme(),
              field(p.ropeScaling()),
              p.mode(),
              p.sinks() == null ? "" : p.sinks().toString(),
              Integer.toString(p.window()),
              Integer.toString(p.chunk()),
              Integer.toString(p.length()),
              Integer.toString(p.trainedContext()),
              Integer.toString(p.windows()),
              Long.toString(p.tokensScored()),
              number(p.meanNll(), "%.6f"),
              number(p.perplexity(), "%.4f"),
              p.maxPosition() < 0 ? "" : Long.toString(p.maxPosition()),
              p.status(),
              number(p.seconds(), "%.3f")))
          .append('\n');
    }
    return out.toString();
  }

  String markdown() {
    TreeSet<Integer> lengths = new TreeSet<>();
    points.forEach(p -> lengths.add(p.length()));
    StringBuilder out = new StringBuilder("# Perplexity vs evaluation length\n\n").append(description).append("\n\n");
    out.append("| model | scheme | mode | S | trained context |");
    lengths.forEach(l -> out.append(' ').append(l).append(" |"));
    out.append("\n|---|---|---|---|---|");
    lengths.forEach(l -> out.append("---:|"));
    out.append('\n');
    for (List<PerplexityPoint> row : bySeries().values()) {
      PerplexityPoint first = row.get(0);
      String model = first.model() + (first.ropeScaling().isEmpty() ? "" : " [" + first.ropeScaling() + "]");
      out.append("| ").append(model).append(" | ").append(first.scheme()).append(" | ").append(first.mode());
      out.append(" | ").append(first.sinks() == null ? "–" : first.sinks()).append(" | ").append(first.trainedContext()).append(" |");
      for (int length : lengths) {
        String cell = row.stream()
            .filter(p -> p.length() == length && p.ok())
            .findFirst()
            .map(p -> String.format(Locale.ROOT, "%.2f", p.perplexity()))
            .orElse("–");
        out.append(' ').append(cell).append(" |");
      }
      out.append('\n');
    }
    out.append("\n– : not evaluated (the text is shorter than the length).\n");
    return out.toString();
  }

  XYChart chart() {
    XYChart chart = new XYChartBuilder()
        .width(WIDTH)
        .height(HEIGHT)
        .title("Perplexity vs evaluation length")
        .xAxisTitle("evaluation length L (tokens, log2 scale)")
        .yAxisTitle(logarithmicPerplexity() ? "perplexity (log scale)" : "perplexity")
        .build();
    Styler styler = chart.getStyler();
    // x = log2 L on a linear axis, labelled back in tokens: XChart's own log axis labels decades only,
    // which leaves 128 … 8192 with a single label.
    chart.setCustomXAxisTickLabelsFormatter(EvaluationReport::lengthLabel);
    chart.getStyler().setYAxisLogarithmic(logarithmicPerplexity());
    styler.setLegendPosition(Styler.LegendPosition.OutsideE);
    styler.setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotGridLinesVisible(true);
    List<String> models = new ArrayList<>();
    List<String> variants = new ArrayList<>();
    for (Map.Entry<String, List<PerplexityPoint>> series : bySeries().entrySet()) {
      List<PerplexityPoint> ok = series.getValue().stream().filter(PerplexityPoint::ok).toList();
      if (ok.isEmpty()) {
        continue;
      }
      PerplexityPoint first = ok.get(0);
      String model = first.model() + first.ropeScaling();
      String variant = first.mode() + first.sinks();
      if (!models.contains(model)) {
        models.add(model);
      }
      if (!variants.contains(variant)) {
        variants.add(variant);
      }
      double[] x = ok.stream().mapToDouble(p -> Math.log(p.length()) / Math.log(2)).toArray();
      double[] y = ok.stream().mapToDouble(PerplexityPoint::perplexity).toArray();
      XYSeries line = chart.addSeries(series.getKey(), x, y);
      // Colour tells the model, line style and marker tell the mode and sink count.
      line.setLineColor(PALETTE[models.indexOf(model) % PALETTE.length]);
      line.setMarkerColor(PALETTE[models.indexOf(model) % PALETTE.length]);
      line.setLineStyle(LINES[variants.indexOf(variant) % LINES.length]);
      line.setMarker(MARKERS[variants.indexOf(variant) % MARKERS.length]);
    }
    return chart;
  }

  /** 2^x when x is a whole number, else no label. */
  private static String lengthLabel(double log2) {
    long whole = Math.round(log2);
    return Math.abs(log2 - whole) < 1e-9 && whole >= 0 && whole < 63 ? Long.toString(1L << whole) : "";
  }

  private static final int WIDTH = 1100;
  private static final int HEIGHT = 650;

  /** Tableau 10: distinguishable, also in grey-scale print. */
  private static final Color[] PALETTE = {
    new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2), new Color(0x59A14F),
    new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7), new Color(0x9C755F), new Color(0xBAB0AC)
  };

  private static final BasicStroke[] LINES = {
    SeriesLines.SOLID, SeriesLines.DASH_DASH, SeriesLines.DASH_DOT, SeriesLines.DOT_DOT
  };

  private static final Marker[] MARKERS = {
    SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.TRIANGLE_UP, SeriesMarkers.DIAMOND
  };

  /** A log perplexity axis only when the values span more than a decade (XChart labels decades only). */
  private boolean logarithmicPerplexity() {
    double[] ppl = points.stream().filter(PerplexityPoint::ok).mapToDouble(PerplexityPoint::perplexity).toArray();
    double min = java.util.Arrays.stream(ppl).min().orElse(1);
    double max = java.util.Arrays.stream(ppl).max().orElse(1);
    return max / min > 10;
  }

  /** Points grouped by series, in first-seen order, each sorted by length. */
  private Map<String, List<PerplexityPoint>> bySeries() {
    Map<String, List<PerplexityPoint>> series = new LinkedHashMap<>();
    for (PerplexityPoint p : points) {
      series.computeIfAbsent(p.series(), k -> new ArrayList<>()).add(p);
    }
    series.values().forEach(l -> l.sort(java.util.Comparator.comparingInt(PerplexityPoint::length)));
    return series;
  }

  private static String number(double x, String format) {
    return Double.isFinite(x) ? String.format(Locale.ROOT, format, x) : "";
  }

  /** RFC 4180 quoting when needed. */
  private static String field(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }
}
