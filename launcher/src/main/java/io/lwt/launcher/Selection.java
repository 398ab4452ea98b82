package io.lwt.launcher;

import io.lwt.api.Config;

/**
 * A plugin chosen in YAML: its name and its own section. Written either as the name alone ({@code transport: tcp})
 * or as a mapping with the name as its only key ({@code transport: {tcp: {send-buffer: 4194304}}}).
 *
 * @param location where the name was written
 */
record Selection(String name, Config section, Config.Location location) {}
