package dev.berth.auth;

import dev.berth.core.Audit;
import dev.berth.core.Ids;
import dev.berth.core.ServeConfig;
import dev.berth.store.Database;
import dev.berth.web.Authenticator;
import dev.berth.web.Router;
import java.time.InstantSource;
import java.util.Optional;

/** The auth domain's face: builds its parts with their constructors and registers its routes. */
public final class Auth {
  private final Accounts accounts;
  private final Sessions sessions;
  private final ApiTokens tokens;
  private final FirstStart firstStart;
  private final RequestAuthenticator authenticator;

  public Auth(Database db, Ids ids, InstantSource clock, Audit audit) {
    var passwords = new Passwords();
    var limiter = new LoginLimiter(clock, LoginLimiter.PER_ADDRESS, LoginLimiter.PER_ACCOUNT);
    this.accounts = new Accounts(db, ids, clock, passwords, audit);
    this.tokens = new ApiTokens(db, ids, clock, audit);
    this.sessions = new Sessions(db, ids, clock, passwords, accounts, limiter, audit);
    this.firstStart = new FirstStart(db, ids, clock, passwords, tokens, audit);
    this.authenticator = new RequestAuthenticator(tokens, sessions);
  }

  /** Makes the first admin on an empty store; returns a generated password to show once. */
  public Optional<String> firstStart(ServeConfig.Bootstrap bootstrap) {
    return firstStart.run(bootstrap);
  }

  public Authenticator authenticator() {
    return authenticator;
  }

  public Accounts accounts() {
    return accounts;
  }

  public void register(Router router) {
    new AuthApi(accounts, sessions).register(router);
    new TokensApi(tokens).register(router);
    new UsersApi(accounts).register(router);
  }
}
