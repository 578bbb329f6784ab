# SPDX-License-Identifier: MIT
# Evaluates nix/modules/exporter.nix on the NixOS stubs with extra modules, the way a NixOS
# configuration would, and exposes what the checks look at. Failed assertions throw, as
# nixos-rebuild would refuse the configuration.
{
  lib ? import ./nixpkgs-lib/lib,
  modules ? [ ],
}:
let
  stubs = import ./stubs.nix { inherit lib; };
  eval = lib.evalModules {
    modules = [
      stubs.nixos
      ../../nix/modules/exporter.nix
      { _module.args.pkgs = stubs.pkgs; }
    ] ++ modules;
  };
  inherit (eval) config;
  failed = lib.filter (a: !a.assertion) config.assertions;
  checked =
    value: if failed == [ ] then value else throw (lib.concatMapStringsSep "\n" (a: a.message) failed);
  service = config.systemd.services.prometheus-nixos-exporter or null;
in
{
  inherit config;
  cfg = config.services.prometheus.exporters.nixos;
  service = checked service;
  execStart = checked service.serviceConfig.ExecStart;
  configText = checked (config.services.prometheus.exporters.nixos.configFile.text or null);
}
