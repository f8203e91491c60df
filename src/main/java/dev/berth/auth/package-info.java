/**
 * Who may use Berth: users and their bcrypt passwords, dashboard sessions (cookie + CSRF token),
 * API tokens, login rate limits, the first-start admin and the offline password reset. {@link
 * dev.berth.auth.RequestAuthenticator} fills the {@link dev.berth.web.Authenticator} port.
 *
 * <p>Imports {@code core}, {@code store}, {@code web} and the bcrypt library; no other domain.
 * Secrets are stored only as hashes (SHA-256 for random tokens, bcrypt for passwords).
 */
package dev.berth.auth;
