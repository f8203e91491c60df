package dev.berth.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeployBranchTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "main",
        "master",
        "release/1.2",
        "feature/login-page",
        "v2.0.1",
        "user@host",
        "a-b_c+d",
        "ünïcode",
        "deploy/prod/eu"
      })
  void validBranches(String branch) {
    assertEquals(branch, new DeployBranch(branch).value());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "-main",
        "--upload-pack=evil",
        "a..b",
        "..",
        "a b",
        "main\n",
        "main\t",
        "ma\u0000in",
        "ma\u007fin",
        "ma\u001bin",
        "a~1",
        "a^2",
        "a:b",
        "a?",
        "a*",
        "a[0]",
        "a\\b",
        "/main",
        "main/",
        "a//b",
        "main.",
        "main.lock",
        "a/.hidden",
        ".hidden",
        "@",
        "HEAD",
        "a@{1}",
        "rtl\u202eevil"
      })
  void invalidBranches(String branch) {
    var e = assertThrows(AppsException.class, () -> new DeployBranch(branch));
    assertEquals("deploy_branch", ((AppsError.InvalidField) e.error()).field());
  }

  @org.junit.jupiter.api.Test
  void longBranchesAreRefused() {
    assertEquals(255, new DeployBranch("b".repeat(255)).value().length());
    assertThrows(AppsException.class, () -> new DeployBranch("b".repeat(256)));
    assertThrows(AppsException.class, () -> new DeployBranch(null));
  }
}
