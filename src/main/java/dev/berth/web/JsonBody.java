package dev.berth.web;

import dev.berth.core.Problem;
import dev.berth.core.ProblemException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A JSON object from a request body with typed reads. A missing required field or a value of the
 * wrong type is a 422 problem naming the field; unknown fields can be refused with {@link #only}.
 */
public record JsonBody(Map<String, Object> fields) {

  public boolean has(String name) {
    return fields.containsKey(name);
  }

  public String string(String name) {
    return optString(name)
        .orElseThrow(() -> new ProblemException(Problem.invalid(name, name + " is required")));
  }

  public Optional<String> optString(String name) {
    Object value = fields.get(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String s)) {
      throw wrongType(name, "a string");
    }
    return Optional.of(s);
  }

  public Optional<Long> optLong(String name) {
    Object value = fields.get(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Long n)) {
      throw wrongType(name, "a whole number");
    }
    return Optional.of(n);
  }

  public Optional<Boolean> optBoolean(String name) {
    Object value = fields.get(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Boolean b)) {
      throw wrongType(name, "true or false");
    }
    return Optional.of(b);
  }

  /** Refuses fields outside {@code allowed}, so a typo is an error instead of a silent no-op. */
  public JsonBody only(Set<String> allowed) {
    for (String name : fields.keySet()) {
      if (!allowed.contains(name)) {
        throw new ProblemException(
            Problem.invalid(
                name,
                "unknown field "
                    + name
                    + "; allowed: "
                    + String.join(", ", allowed.stream().sorted().toList())));
      }
    }
    return this;
  }

  private static ProblemException wrongType(String name, String expected) {
    return new ProblemException(Problem.invalid(name, name + " must be " + expected));
  }
}
