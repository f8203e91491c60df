package dev.berth.web;

import dev.berth.core.Metrics;
import dev.berth.core.Problem;
import dev.berth.core.ProblemException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;

/**
 * {@code GET /metrics} in the Prometheus text format: JVM memory and GC, threads, and whatever the
 * parts of Berth registered (console requests by route and status, later the proxy's counters).
 * Open to loopback scrapers; from anywhere else it needs a token.
 */
public final class MetricsApi {
  private final Metrics metrics;

  public MetricsApi(Metrics metrics) {
    this.metrics = metrics;
    registerJvm(metrics);
  }

  public void register(Router router) {
    router.get(
        "/metrics",
        Access.PUBLIC,
        request -> {
          if (!request.fromLoopback() && request.principal().isEmpty()) {
            throw new ProblemException(
                Problem.unauthorized("/metrics needs a token unless scraped from loopback"));
          }
          return Response.text(200, "text/plain; version=0.0.4; charset=utf-8", metrics.render());
        });
  }

  private static void registerJvm(Metrics metrics) {
    metrics.sampled(
        "jvm_memory_used_bytes",
        "Used bytes of a JVM memory area.",
        "gauge",
        sink -> {
          var memory = ManagementFactory.getMemoryMXBean();
          sink.add(Metrics.label("area", "heap"), memory.getHeapMemoryUsage().getUsed());
          sink.add(Metrics.label("area", "nonheap"), memory.getNonHeapMemoryUsage().getUsed());
        });
    metrics.sampled(
        "jvm_memory_committed_bytes",
        "Committed bytes of a JVM memory area.",
        "gauge",
        sink -> {
          var memory = ManagementFactory.getMemoryMXBean();
          sink.add(Metrics.label("area", "heap"), memory.getHeapMemoryUsage().getCommitted());
          sink.add(Metrics.label("area", "nonheap"), memory.getNonHeapMemoryUsage().getCommitted());
        });
    metrics.sampled(
        "jvm_memory_pool_used_bytes",
        "Used bytes of a JVM memory pool.",
        "gauge",
        sink -> {
          for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            String kind = pool.getType() == MemoryType.HEAP ? "heap" : "nonheap";
            sink.add(
                Metrics.labels("pool", pool.getName(), "area", kind), pool.getUsage().getUsed());
          }
        });
    metrics.sampled(
        "jvm_gc_collection_seconds_count",
        "Garbage collections by collector.",
        "counter",
        sink -> {
          for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sink.add(Metrics.label("gc", gc.getName()), gc.getCollectionCount());
          }
        });
    metrics.sampled(
        "jvm_gc_collection_seconds_sum",
        "Time spent in garbage collection pauses by collector, in seconds.",
        "counter",
        sink -> {
          for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sink.add(Metrics.label("gc", gc.getName()), gc.getCollectionTime() / 1000.0);
          }
        });
    metrics.sampled(
        "jvm_threads_live",
        "Live platform threads.",
        "gauge",
        sink -> sink.add("", ManagementFactory.getThreadMXBean().getThreadCount()));
    metrics.sampled(
        "process_resident_memory_bytes",
        "Resident set size of the Berth process.",
        "gauge",
        sink -> {
          long rss = ProcessStatus.residentBytes();
          if (rss >= 0) {
            sink.add("", rss);
          }
        });
    metrics.sampled(
        "process_uptime_seconds",
        "Seconds since the JVM started.",
        "gauge",
        sink -> sink.add("", ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0));
  }
}
