package dev.berth.proxy;

import dev.berth.core.Log;
import dev.berth.core.ServeConfig;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;

/**
 * Issues certificates over ACME (RFC 8555) with acme4j and HTTP-01 challenges that the proxy
 * answers itself. Only the renewer's thread calls it, one host at a time; built on first use so a
 * Berth without custom domains never loads acme4j, BouncyCastle or jose4j.
 *
 * <pre>
 * account (key made once, sealed in settings) ─► order(host) ─► per authorization: publish the
 * key authorization in AcmeChallenges ─► trigger ─► wait valid ─► unpublish
 * ─► finalize with a CSR for a new EC P-256 key ─► wait valid ─► download the chain
 * </pre>
 */
final class Acme implements CertificateIssuer {
  private static final Log LOG = Log.of(Acme.class);
  private static final Duration WAIT = Duration.ofSeconds(90);

  private final ServeConfig.Acme settings;
  private final AcmeChallenges challenges;
  private final DomainStore store;
  private Account account;

  Acme(ServeConfig.Acme settings, AcmeChallenges challenges, DomainStore store) {
    this.settings = settings;
    this.challenges = challenges;
    this.store = store;
  }

  @Override
  public CertificateVault.Issued issue(String host) throws Failed {
    try {
      Order order = account().newOrder().domain(host).create();
      for (Authorization authorization : order.getAuthorizations()) {
        authorize(authorization);
      }
      KeyPair key = newKeyPair();
      order.execute(key);
      if (order.waitForCompletion(WAIT) != Status.VALID) {
        throw failed("the order for " + host + " ended " + order.getStatus(), order.getError());
      }
      var chain = order.getCertificate().getCertificateChain();
      return new CertificateVault.Issued(
          host,
          CertificatePem.chainPem(chain),
          CertificatePem.keyPem(key.getPrivate()),
          chain.getFirst().getNotAfter().toInstant());
    } catch (AcmeRateLimitedException e) {
      throw new Failed("rate limited by the ACME server: " + describe(e), e.getRetryAfter());
    } catch (AcmeException | RuntimeException e) {
      account = null;
      throw new Failed(describe(e), Optional.empty());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failed("interrupted while issuing", Optional.empty());
    }
  }

  private Account account() throws AcmeException {
    if (account == null) {
      var session =
          new Session(URI.create(settings.directory()), new AcmeTrust(settings.caCertificate()));
      var builder = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey());
      settings.email().ifPresent(builder::addEmail);
      account = builder.create(session);
      LOG.info("ACME account ready", "directory", settings.directory());
    }
    return account;
  }

  private void authorize(Authorization authorization)
      throws AcmeException, InterruptedException, Failed {
    if (authorization.getStatus() == Status.VALID) {
      return;
    }
    Http01Challenge challenge =
        authorization
            .findChallenge(Http01Challenge.class)
            .orElseThrow(
                () -> failed("the ACME server offered no HTTP-01 challenge", Optional.empty()));
    challenges.put(challenge.getToken(), challenge.getAuthorization());
    try {
      challenge.trigger();
      if (authorization.waitForCompletion(WAIT) != Status.VALID) {
        challenge.fetch();
        throw failed(
            "validating " + authorization.getIdentifier().getDomain() + " failed",
            challenge.getError());
      }
    } finally {
      challenges.remove(challenge.getToken());
    }
  }

  /** The stored account key; PEM of the private key (PKCS #8) then the public key. */
  private KeyPair accountKey() {
    String pem = store.accountKey(() -> accountKeyPem(newKeyPair()));
    try {
      var privateKey = CertificatePem.key(pem);
      String body =
          pem.substring(
              pem.indexOf("-----BEGIN PUBLIC KEY-----") + 26,
              pem.indexOf("-----END PUBLIC KEY-----"));
      var publicKey =
          KeyFactory.getInstance("EC")
              .generatePublic(new X509EncodedKeySpec(Base64.getMimeDecoder().decode(body)));
      return new KeyPair(publicKey, privateKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the stored ACME account key is unreadable", e);
    }
  }

  private static String accountKeyPem(KeyPair pair) {
    return CertificatePem.keyPem(pair.getPrivate())
        + "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  /** A new EC P-256 key pair: a fresh one for every certificate, and one for the account. */
  static KeyPair newKeyPair() {
    try {
      var generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no EC P-256 on this JDK", e);
    }
  }

  private static Failed failed(String what, Optional<org.shredzone.acme4j.Problem> problem) {
    return new Failed(what + problem.map(p -> ": " + p).orElse(""), Optional.empty());
  }

  /** The exception's message with its causes, as users see it in the domain's error text. */
  private static String describe(Throwable e) {
    var text = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      text.append(": ")
          .append(
              cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
    }
    return text.toString();
  }
}
