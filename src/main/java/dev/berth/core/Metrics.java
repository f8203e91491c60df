package dev.berth.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Counters, histograms and sampled gauges, rendered in the Prometheus text exposition format
 * (version 0.0.4). Families are registered once by the part that owns them; updates are lock-free
 * so the request path can count without contention.
 */
public final class Metrics {
  // A hash map, not a sorted one: every proxied request counts here, and a sorted map's string
  // comparisons showed in the proxy's profile. Scrapes (rare) sort.
  private final Map<String, Family> families = new ConcurrentHashMap<>();

  /** Writes samples for a gauge family when scraped: {@code sink.accept(labels, value)}. */
  public interface Sampler {
    void sample(SampleSink sink);
  }

  public interface SampleSink {
    void add(String labels, double value);
  }

  private sealed interface Family permits CounterFamily, HistogramFamily, GaugeFamily {}

  private record CounterFamily(String help, Map<String, LongAdder> series) implements Family {}

  private record HistogramFamily(String help, double[] bounds, Map<String, Histogram> series)
      implements Family {}

  private record GaugeFamily(String help, String type, Sampler sampler) implements Family {}

  /** A counter series; {@code labels} is the Prometheus label text, e.g. {@code route="/x"}. */
  public void inc(String name, String help, String labels, long by) {
    var family = (CounterFamily) families.get(name);
    if (family == null) {
      family =
          (CounterFamily)
              families.computeIfAbsent(
                  name, n -> new CounterFamily(help, new ConcurrentHashMap<>()));
    }
    var adder = family.series().get(labels);
    if (adder == null) {
      adder = family.series().computeIfAbsent(labels, l -> new LongAdder());
    }
    adder.add(by);
  }

  public void observe(String name, String help, double[] bounds, String labels, double value) {
    var family =
        (HistogramFamily)
            families.computeIfAbsent(
                name, n -> new HistogramFamily(help, bounds, new ConcurrentHashMap<>()));
    family.series().computeIfAbsent(labels, l -> new Histogram(family.bounds())).add(value);
  }

  /** A gauge (or a counter kept elsewhere, with type "counter") read at scrape time. */
  public void sampled(String name, String help, String type, Sampler sampler) {
    families.put(name, new GaugeFamily(help, type, sampler));
  }

  public String render() {
    var out = new StringBuilder(4096);
    new TreeMap<>(families).forEach((name, family) -> render(name, family, out));
    return out.toString();
  }

  private static void render(String name, Family family, StringBuilder out) {
    switch (family) {
      case CounterFamily c -> {
        header(out, name, c.help(), "counter");
        c.series().forEach((labels, v) -> line(out, name, labels, v.sum()));
      }
      case HistogramFamily h -> {
        header(out, name, h.help(), "histogram");
        h.series().forEach((labels, hist) -> hist.render(out, name, labels));
      }
      case GaugeFamily g -> {
        header(out, name, g.help(), g.type());
        var lines = new ArrayList<String>();
        g.sampler().sample((labels, value) -> lines.add(format(name, labels, value)));
        lines.forEach(l -> out.append(l).append('\n'));
      }
    }
  }

  private static void header(StringBuilder out, String name, String help, String type) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void line(StringBuilder out, String name, String labels, double value) {
    out.append(format(name, labels, value)).append('\n');
  }

  static String format(String name, String labels, double value) {
    String v =
        value == Math.rint(value) && Math.abs(value) < 1e15
            ? Long.toString((long) value)
            : Double.toString(value);
    return labels.isEmpty() ? name + " " + v : name + "{" + labels + "} " + v;
  }

  /** Escapes a label value (backslash, quote, newline). */
  public static String label(String key, String value) {
    var escaped = value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    return key + "=\"" + escaped + "\"";
  }

  public static String labels(String... keyValues) {
    var parts = new ArrayList<String>();
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      parts.add(label(keyValues[i], keyValues[i + 1]));
    }
    return String.join(",", parts);
  }

  private static final class Histogram {
    private final double[] bounds;
    private final LongAdder[] buckets;
    private final LongAdder count = new LongAdder();
    private final java.util.concurrent.atomic.DoubleAdder sum =
        new java.util.concurrent.atomic.DoubleAdder();

    Histogram(double[] bounds) {
      this.bounds = bounds;
      this.buckets = new LongAdder[bounds.length];
      for (int i = 0; i < bounds.length; i++) {
        buckets[i] = new LongAdder();
      }
    }

    void add(double value) {
      for (int i = 0; i < bounds.length; i++) {
        if (value <= bounds[i]) {
          buckets[i].increment();
          break;
        }
      }
      count.increment();
      sum.add(value);
    }

    void render(StringBuilder out, String name, String labels) {
      long cumulative = 0;
      String sep = labels.isEmpty() ? "" : labels + ",";
      for (int i = 0; i < bounds.length; i++) {
        cumulative += buckets[i].sum();
        line(out, name + "_bucket", sep + "le=\"" + bounds[i] + "\"", cumulative);
      }
      line(out, name + "_bucket", sep + "le=\"+Inf\"", count.sum());
      line(out, name + "_sum", labels, sum.sum());
      line(out, name + "_count", labels, count.sum());
    }
  }

  /** For tests and for parts that want to list what they registered. */
  public List<String> names() {
    return List.copyOf(new TreeMap<>(families).keySet());
  }

  public void forEachName(Consumer<String> action) {
    new TreeMap<>(families).keySet().forEach(action);
  }
}
