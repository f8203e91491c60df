package dev.berth.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvRulesTest {
  @ParameterizedTest
  @ValueSource(strings = {"A", "_", "DATABASE_URL", "lower_case", "_PRIVATE", "X1", "a1_B2"})
  void validKeys(String key) {
    assertEquals(Optional.empty(), EnvRules.keyProblem(key));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "1ABC",
        "9",
        "A-B",
        "A B",
        " A",
        "A=B",
        "A.B",
        "A$",
        "../X",
        "KEY\n",
        "KEY\u0000",
        "ÄPFEL",
        "ＡＢＣ",
        "A\u200b",
        "PATH;rm"
      })
  void invalidKeys(String key) {
    var problem = EnvRules.keyProblem(key);
    assertTrue(problem.isPresent(), key);
    assertTrue(problem.get().contains(EnvRules.KEY_RULE));
  }

  @Test
  void keysAreAtMost256Characters() {
    assertEquals(Optional.empty(), EnvRules.keyProblem("K".repeat(256)));
    assertTrue(EnvRules.keyProblem("K".repeat(257)).isPresent());
  }

  @Test
  void valuesAreStringsOrNull() {
    assertEquals(Optional.empty(), EnvRules.valueProblem("K", "v"));
    assertEquals(Optional.empty(), EnvRules.valueProblem("K", ""));
    assertEquals(Optional.empty(), EnvRules.valueProblem("K", null));
    for (Object wrong : List.of(1L, 2.5, true, List.of("x"), Map.of("a", "b"))) {
      var problem = EnvRules.valueProblem("MY_KEY", wrong);
      assertTrue(problem.orElseThrow().contains("MY_KEY"), problem.get());
    }
  }

  @Test
  void valuesAreAtMost32KibOfUtf8AndCarryNoNul() {
    assertEquals(Optional.empty(), EnvRules.valueProblem("K", "x".repeat(32 * 1024)));
    assertTrue(EnvRules.valueProblem("K", "x".repeat(32 * 1024 + 1)).isPresent());
    // 'é' is two bytes: the limit is on what the process receives, not on characters.
    assertTrue(EnvRules.valueProblem("K", "é".repeat(16 * 1024 + 1)).isPresent());
    assertTrue(EnvRules.valueProblem("K", "a\u0000b").isPresent());
  }
}
