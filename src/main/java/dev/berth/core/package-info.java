/**
 * The shared vocabulary every other package may use: ids, problems (RFC 9457), configuration,
 * lifecycle, JSON, logging, metrics, principals and the audit port.
 *
 * <p>Imports only the JDK. Nothing here knows about HTTP, SQL or any domain.
 */
package dev.berth.core;
