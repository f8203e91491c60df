/**
 * The console's HTTP layer: server, router, request and response types, the authentication port,
 * problem+json mapping, request ids and request metrics. Domains register routes here through their
 * {@code XxxApi} class and never see the HTTP library underneath.
 *
 * <p>Imports {@code core} and the JDK's {@code com.sun.net.httpserver}; no domain.
 */
package dev.berth.web;
