package dev.berth.proxy;

import dev.berth.core.Actor;
import dev.berth.core.Audit;
import dev.berth.core.Json;
import dev.berth.store.Database;
import dev.berth.store.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@code domains} table and each domain's certificate row. API changes are one transaction each
 * and audited once committed; the renewer's transitions ({@link #claim}, {@link #issued}, {@link
 * #failed}) are logged by the renewer, not audited, as they are Berth's own work.
 */
public final class DomainStore {
  private static final String SELECT =
      "SELECT d.host, d.app, d.created_at, d.cert_status, d.error, d.not_after,"
          + " d.next_attempt_at, d.attempts, c.source FROM domains d"
          + " LEFT JOIN certificates c ON c.host = d.host";

  private static final String ACCOUNT_KEY = "acme.account_key";

  /** Counts catch deletes, the newest time catches adds and replacements. */
  record ChangeMark(long rows, long newest) {}

  private final Database db;
  private final InstantSource clock;
  private final Audit audit;
  private final CertificateVault vault;

  public DomainStore(Database db, InstantSource clock, Audit audit, CertificateVault vault) {
    this.db = db;
    this.clock = clock;
    this.audit = audit;
    this.vault = vault;
  }

  List<Domain> list(String app) {
    return db.read(
        tx -> tx.query(SELECT + " WHERE d.app = ? ORDER BY d.host", DomainStore::row, app));
  }

  Optional<Domain> find(String host) {
    return db.read(tx -> find(tx, host));
  }

  private static Optional<Domain> find(Tx tx, String host) throws SQLException {
    return tx.one(SELECT + " WHERE d.host = ?", DomainStore::row, host);
  }

  /** Adds a domain; a wildcard waits for an uploaded certificate (HTTP-01 cannot prove one). */
  Domain add(Actor actor, String app, String host) {
    long now = clock.millis();
    boolean wildcard = host.startsWith("*.");
    var added =
        db.write(
            tx -> {
              var existing = find(tx, host);
              if (existing.isPresent()) {
                throw new DomainsException(
                    new DomainsError.DomainExists(host, existing.get().app()));
              }
              try {
                tx.update(
                    "INSERT INTO domains (host, app, created_at, updated_at, cert_status, error,"
                        + " next_attempt_at, attempts) VALUES (?, ?, ?, ?, 'pending', ?, ?, 0)",
                    host,
                    app,
                    now,
                    now,
                    wildcard ? "a wildcard host needs an uploaded certificate" : null,
                    wildcard ? null : now);
              } catch (SQLException e) {
                throw refused(e, host, app);
              }
              return find(tx, host).orElseThrow();
            });
    audit.record(actor, "domain.create", target(host), Json.obj("app", app, "host", host));
    return added;
  }

  /** Removes a domain of {@code app} and its certificate. */
  void remove(Actor actor, String app, String host) {
    db.write(
        tx -> {
          int gone = tx.update("DELETE FROM domains WHERE host = ? AND app = ?", host, app);
          if (gone == 0) {
            throw new DomainsException(new DomainsError.DomainNotFound(app, host));
          }
          tx.update("DELETE FROM certificates WHERE host = ?", host);
          return gone;
        });
    audit.record(actor, "domain.delete", target(host), Json.obj("app", app, "host", host));
  }

  /** Stores an uploaded certificate (already validated) for a domain of {@code app}. */
  Domain putCustom(Actor actor, String app, CertificateVault.Issued certificate) {
    String host = certificate.host();
    long now = clock.millis();
    var domain =
        db.write(
            tx -> {
              var existing = find(tx, host).filter(d -> d.app().equals(app));
              if (existing.isEmpty()) {
                throw new DomainsException(new DomainsError.DomainNotFound(app, host));
              }
              writeCertificate(tx, certificate, Domain.Source.CUSTOM, now);
              tx.update(
                  "UPDATE domains SET cert_status = 'custom', error = NULL, not_after = ?,"
                      + " next_attempt_at = NULL, attempts = 0, updated_at = ? WHERE host = ?",
                  certificate.notAfter().toEpochMilli(),
                  now,
                  host);
              return find(tx, host).orElseThrow();
            });
    audit.record(
        actor,
        "domain.certificate.upload",
        target(host),
        Json.obj("app", app, "host", host, "not_after", certificate.notAfter().toString()));
    return domain;
  }

  /** Domains whose next attempt is due, oldest first. */
  List<Domain> due(Instant now, int limit) {
    return db.read(
        tx ->
            tx.query(
                SELECT
                    + " WHERE d.next_attempt_at IS NOT NULL AND d.next_attempt_at <= ?"
                    + " ORDER BY d.next_attempt_at LIMIT ?",
                DomainStore::row,
                now.toEpochMilli(),
                limit));
  }

  /**
   * Marks a due domain as being issued, with a lease: a Berth that stops while issuing leaves the
   * domain due again when the lease ends. False when it is no longer due (deleted, or uploaded).
   */
  boolean claim(String host, Instant now, Instant leaseEnd) {
    return db.write(
            tx ->
                tx.update(
                    "UPDATE domains SET cert_status = 'issuing', next_attempt_at = ?,"
                        + " updated_at = ? WHERE host = ? AND next_attempt_at IS NOT NULL"
                        + " AND next_attempt_at <= ?",
                    leaseEnd.toEpochMilli(),
                    now.toEpochMilli(),
                    host,
                    now.toEpochMilli()))
        == 1;
  }

  /** Stores an issued certificate unless the domain went away or got an upload meanwhile. */
  boolean issued(CertificateVault.Issued certificate, Instant now, Instant renewAt) {
    return db.write(
        tx -> {
          var domain = find(tx, certificate.host());
          if (domain.isEmpty() || domain.get().status() != Domain.Status.ISSUING) {
            return false;
          }
          writeCertificate(tx, certificate, Domain.Source.ACME, now.toEpochMilli());
          tx.update(
              "UPDATE domains SET cert_status = 'active', error = NULL, not_after = ?,"
                  + " next_attempt_at = ?, attempts = 0, updated_at = ? WHERE host = ?",
              certificate.notAfter().toEpochMilli(),
              renewAt.toEpochMilli(),
              now.toEpochMilli(),
              certificate.host());
          return true;
        });
  }

  /** Records a failed attempt; the certificate served until now (if any) stays. */
  void failed(String host, String error, Instant now, Instant nextAttempt) {
    db.write(
        tx ->
            tx.update(
                "UPDATE domains SET cert_status = 'failed', error = ?, next_attempt_at = ?,"
                    + " attempts = attempts + 1, updated_at = ? WHERE host = ?"
                    + " AND cert_status = 'issuing'",
                error.length() > 1000 ? error.substring(0, 1000) : error,
                nextAttempt.toEpochMilli(),
                now.toEpochMilli(),
                host));
  }

  private void writeCertificate(
      Tx tx, CertificateVault.Issued certificate, Domain.Source source, long now)
      throws SQLException {
    tx.update("DELETE FROM certificates WHERE host = ?", certificate.host());
    tx.update(
        "INSERT INTO certificates (host, chain_pem, sealed_key, not_after, source, created_at)"
            + " VALUES (?, ?, ?, ?, ?, ?)",
        certificate.host(),
        certificate.chainPem(),
        vault.seal(certificate.host(), certificate.keyPem()),
        certificate.notAfter().toEpochMilli(),
        source.name().toLowerCase(Locale.ROOT),
        now);
  }

  /** Every stored certificate with its key opened, for the book. */
  List<CertificateVault.Issued> certificates() {
    return db.read(
        tx ->
            tx.query(
                "SELECT host, chain_pem, sealed_key, not_after FROM certificates ORDER BY host",
                r ->
                    new CertificateVault.Issued(
                        r.getString(1),
                        r.getString(2),
                        vault.open(r.getString(1), r.getString(3)),
                        Instant.ofEpochMilli(r.getLong(4)))));
  }

  ChangeMark certificatesMark() {
    return mark("SELECT count(*), coalesce(max(created_at), 0) FROM certificates");
  }

  /** Every custom domain with its app, for the route table. */
  List<CustomHost> customHosts() {
    return db.read(
        tx ->
            tx.query(
                "SELECT host, app FROM domains ORDER BY host",
                r -> new CustomHost(r.getString(1), r.getString(2))));
  }

  ChangeMark hostsMark() {
    return mark("SELECT count(*), coalesce(max(created_at), 0) FROM domains");
  }

  /** The custom domains as the route refresher reads them. */
  public RouteRefresher.CustomHosts routeHosts() {
    return new RouteRefresher.CustomHosts() {
      @Override
      public List<CustomHost> list() {
        return customHosts();
      }

      @Override
      public Object mark() {
        return hostsMark();
      }
    };
  }

  /**
   * The ACME account key as PEM, made once by {@code fresh} and kept sealed in settings; of two
   * processes making one at the same time, the first stored wins for both.
   */
  String accountKey(Supplier<String> fresh) {
    var stored = readAccountKey();
    if (stored.isPresent()) {
      return stored.get();
    }
    String sealed = vault.sealAccountKey(fresh.get());
    db.write(
        tx ->
            tx.update(
                "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                ACCOUNT_KEY,
                sealed));
    return readAccountKey().orElseThrow();
  }

  private Optional<String> readAccountKey() {
    return db.read(
            tx ->
                tx.one(
                    "SELECT value FROM settings WHERE name = ?", r -> r.getString(1), ACCOUNT_KEY))
        .map(vault::openAccountKey);
  }

  private ChangeMark mark(String sql) {
    return db.read(
        tx -> tx.one(sql, r -> new ChangeMark(r.getLong(1), r.getLong(2))).orElseThrow());
  }

  private static Domain row(ResultSet r) throws SQLException {
    return new Domain(
        r.getString(1),
        r.getString(2),
        Instant.ofEpochMilli(r.getLong(3)),
        Domain.Status.valueOf(r.getString(4).toUpperCase(Locale.ROOT)),
        Optional.ofNullable(r.getString(5)),
        Optional.ofNullable(Tx.nullableLong(r, "not_after")).map(Instant::ofEpochMilli),
        Optional.ofNullable(Tx.nullableLong(r, "next_attempt_at")).map(Instant::ofEpochMilli),
        r.getInt(8),
        Optional.ofNullable(r.getString(9))
            .map(s -> Domain.Source.valueOf(s.toUpperCase(Locale.ROOT))));
  }

  /** A concurrent add of the same host, or the app deleted meanwhile; else the store's failure. */
  private static SQLException refused(SQLException e, String host, String app) {
    String message = String.valueOf(e.getMessage());
    if ("23505".equals(e.getSQLState()) || message.contains("UNIQUE constraint failed")) {
      throw new DomainsException(new DomainsError.DomainExists(host, app));
    }
    if ("23503".equals(e.getSQLState()) || message.contains("FOREIGN KEY constraint failed")) {
      throw new DomainsException(new DomainsError.AppNotFound(app));
    }
    return e;
  }

  static String target(String host) {
    return "domain:" + host;
  }
}
