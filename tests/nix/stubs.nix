# SPDX-License-Identifier: MIT
# Just enough of NixOS, home-manager and nixpkgs to evaluate our modules with lib.evalModules
# and no nixpkgs checkout: the options our modules set, declared loosely, and fake packages.
{ lib }:
let
  inherit (lib) mkOption types;

  # A derivation as far as types.package and string interpolation care.
  fakePackage = name: {
    type = "derivation";
    inherit name;
    outPath = "/nix/store/00000000000000000000000000000000-${name}";
  };

  loose = default: mkOption {
    type = types.anything;
    inherit default;
  };
in
{
  inherit fakePackage;

  pkgs = {
    nixos-exporter = fakePackage "nixos-status-0.1.0";
    nixos-tray = fakePackage "nixos-status-0.1.0";
    # The text stays readable, so the tests can look at a generated file.
    writeText = name: text: fakePackage name // { inherit text; };
    runCommand = name: env: script: fakePackage name // { inherit script; };
  };

  # The NixOS options our modules define, with nixpkgs' types where they matter.
  nixos = {
    options = {
      assertions = loose [ ];
      warnings = mkOption {
        type = types.listOf types.str;
        default = [ ];
      };
      system.extraSystemBuilderCmds = mkOption {
        type = types.lines;
        default = "";
      };
      networking.nftables.enable = mkOption {
        type = types.bool;
        default = false;
      };
      networking.firewall.extraCommands = mkOption {
        type = types.lines;
        default = "";
      };
      networking.firewall.extraInputRules = mkOption {
        type = types.lines;
        default = "";
      };
      environment.systemPackages = mkOption {
        type = types.listOf types.package;
        default = [ ];
      };
      systemd.services = mkOption {
        type = types.attrsOf types.anything;
        default = { };
      };
      systemd.sockets = mkOption {
        type = types.attrsOf types.anything;
        default = { };
      };
      systemd.user.services = mkOption {
        type = types.attrsOf types.anything;
        default = { };
      };
      systemd.user.targets = mkOption {
        type = types.attrsOf types.anything;
        default = { };
      };
      # As nixpkgs declares it: one option, a submodule with a fixed set of exporters (here
      # just one), a default and a description. Ours must merge into it.
      services.prometheus.exporters = mkOption {
        type = types.submodule {
          options.node = mkOption {
            type = types.submodule {
              freeformType = types.lazyAttrsOf types.anything;
              options.enable = lib.mkEnableOption "the node exporter";
              options.port = mkOption {
                type = types.port;
                default = 9100;
              };
            };
            default = { };
          };
        };
        default = { };
        description = "Prometheus exporter configuration";
      };
    };
  };

  # The home-manager options the tray module sets.
  homeManager = {
    options = {
      assertions = loose [ ];
      home.packages = mkOption {
        type = types.listOf types.package;
        default = [ ];
      };
      systemd.user.services = mkOption {
        type = types.attrsOf types.anything;
        default = { };
      };
      systemd.user.targets = mkOption {
        type = types.attrsOf types.anything;
        default = { };
      };
    };
  };
}
