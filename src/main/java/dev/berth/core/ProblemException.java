package dev.berth.core;

/** Carries a {@link Problem} to the HTTP layer, which writes it as problem+json. */
public final class ProblemException extends RuntimeException {
  private final transient Problem problem;

  public ProblemException(Problem problem) {
    super(problem.slug() + ": " + problem.detail(), null, false, false);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
