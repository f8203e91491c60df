package dev.berth.proxy;

/**
 * Where the data plane reports each finished request, exactly once. Called on an event loop: an
 * implementation must return at once and never throw.
 */
public interface AccessSink {
  void record(AccessRecord record);

  AccessSink NONE = r -> {};
}
