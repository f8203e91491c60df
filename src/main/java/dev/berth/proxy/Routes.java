package dev.berth.proxy;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The live route table: the data plane reads {@link #current()} once per request (a volatile read,
 * no lock); the control plane builds a new table off the request path and swaps it in whole with
 * {@link #replace}.
 */
public final class Routes {
  private final AtomicReference<RouteTable> table = new AtomicReference<>(RouteTable.EMPTY);

  public RouteTable current() {
    return table.get();
  }

  public void replace(RouteTable next) {
    table.set(next);
  }
}
