package dev.berth.core;

import java.util.Map;

/**
 * The port every domain records its changes through. {@code action} is a dotted verb such as {@code
 * app.create}; {@code target} names what changed ({@code app:hello}); {@code detail} holds extra
 * facts and never secret values.
 */
public interface Audit {
  void record(Actor actor, String action, String target, Map<String, Object> detail);
}
