package dev.berth.apps;

import java.time.Instant;

/** An app as stored, with how many env vars it has. */
public record App(
    AppId id,
    AppName name,
    String description,
    DeployBranch deployBranch,
    Instant createdAt,
    Instant updatedAt,
    int envCount) {}
