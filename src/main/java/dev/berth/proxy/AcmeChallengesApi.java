package dev.berth.proxy;

import dev.berth.core.Problem;
import dev.berth.core.ProblemException;
import dev.berth.web.Access;
import dev.berth.web.Response;
import dev.berth.web.Router;

/**
 * {@code GET /.well-known/acme-challenge/{token}} on the console, without auth (the CA asks): the
 * HTTP-01 answers this {@code serve}'s ACME client published. A {@code berth proxy} in its own
 * process forwards the challenges it cannot answer here, so the CA can reach any of them.
 */
public final class AcmeChallengesApi {
  private final AcmeChallenges challenges;

  public AcmeChallengesApi(AcmeChallenges challenges) {
    this.challenges = challenges;
  }

  public void register(Router router) {
    router.get(
        "/.well-known/acme-challenge/{token}",
        Access.PUBLIC,
        request ->
            challenges
                .answer(request.param("token"))
                .map(answer -> Response.text(200, "text/plain", answer))
                .orElseThrow(
                    () ->
                        new ProblemException(
                            Problem.of(
                                "no-challenge",
                                "Not found",
                                404,
                                "no ACME challenge is pending for this token"))));
  }
}
