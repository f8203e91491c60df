package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void rendersPrometheusText() {
    var metrics = new Metrics();
    metrics.inc("x_total", "Things.", Metrics.labels("route", "/a\"b\\c\nd"), 2);
    metrics.inc("x_total", "Things.", Metrics.labels("route", "/a\"b\\c\nd"), 3);
    metrics.observe("lat_seconds", "Latency.", new double[] {0.1, 1}, "", 0.05);
    metrics.observe("lat_seconds", "Latency.", new double[] {0.1, 1}, "", 5);
    metrics.sampled("g", "A gauge.", "gauge", sink -> sink.add("", 1.5));
    String text = metrics.render();
    assertTrue(text.contains("# TYPE x_total counter\n"), text);
    assertTrue(text.contains("x_total{route=\"/a\\\"b\\\\c\\nd\"} 5\n"), text);
    assertTrue(text.contains("lat_seconds_bucket{le=\"0.1\"} 1\n"), text);
    assertTrue(text.contains("lat_seconds_bucket{le=\"1.0\"} 1\n"), text);
    assertTrue(text.contains("lat_seconds_bucket{le=\"+Inf\"} 2\n"), text);
    assertTrue(text.contains("lat_seconds_count 2\n"), text);
    assertTrue(text.contains("g 1.5\n"), text);
  }
}
