package dev.berth.proxy;

import java.util.List;

/**
 * The port through which the proxy learns which apps exist (each owns {@code <app>.<domain>}),
 * without importing the apps domain; {@code Platform} passes the apps service's list.
 */
@FunctionalInterface
public interface AppNames {
  List<String> list();
}
