/**
 * The client commands people run on a laptop or in scripts ({@code berth login}, {@code apps},
 * {@code env}, {@code version}): they talk to a console's {@code /api/v1} over HTTP and keep the
 * sign-in in {@code ~/.config/berth/cli.json}.
 *
 * <p>Imports {@code core}, {@code store} (atomic file writes), picocli, and {@code java.net.http}
 * inside {@link dev.berth.cli.ApiClient} only. Nothing here runs inside the server.
 */
package dev.berth.cli;
