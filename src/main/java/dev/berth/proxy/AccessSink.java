package dev.berth.proxy;

/** Where the data plane reports every finished request, once (the access log). */
public interface AccessSink {
  void record(AccessRecord record);

  AccessSink NONE = r -> {};
}
