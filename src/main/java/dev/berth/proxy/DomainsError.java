package dev.berth.proxy;

/** Everything the domains API refuses, as data; {@link DomainsApi} maps each case to a problem. */
public sealed interface DomainsError {
  /** A field of the request that is not acceptable; {@code field} is its JSON name. */
  record InvalidDomain(String field, String rule) implements DomainsError {}

  /** An uploaded certificate that cannot serve the host; {@code reason} says why. */
  record InvalidCertificate(String field, String reason) implements DomainsError {}

  record AppNotFound(String app) implements DomainsError {}

  /** A host Berth serves itself or that another route or app already has. */
  record HostTaken(String host, String owner) implements DomainsError {}

  record DomainExists(String host, String app) implements DomainsError {}

  record DomainNotFound(String app, String host) implements DomainsError {}
}
