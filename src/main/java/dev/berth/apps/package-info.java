/**
 * Apps and their settings: names (DNS labels), description, deploy branch, and environment
 * variables sealed at rest with {@link dev.berth.core.SecretBox}. {@link Apps} and {@link AppEnv}
 * are the services (the deploy engine reads an app's env through {@link AppEnv#values}); {@link
 * AppsApi} serves {@code /api/v1/apps}. Every change is recorded through {@link
 * dev.berth.core.Audit}, with env keys but never their values.
 *
 * <p>Imports {@code core}, {@code store} and {@code web}.
 */
package dev.berth.apps;
