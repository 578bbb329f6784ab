# SPDX-License-Identifier: MIT
# programs.nixos-tray: the NixOS status icon for every user's graphical session, as a systemd
# user service that lives and dies with the session.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  cfg = config.programs.nixos-tray;
  common = import ./tray-common.nix { inherit lib pkgs; };
in
{
  options.programs.nixos-tray = common.options;

  config = lib.mkIf cfg.enable {
    environment.systemPackages = [ (common.package cfg) ];

    # Tray apps start after a tray host can exist. NixOS has no tray.target of its own; this is
    # the one home-manager defines, so both kinds of tray services can wait on it.
    systemd.user.targets.tray = {
      description = lib.mkDefault "System tray";
      requires = [ "graphical-session-pre.target" ];
    };

    systemd.user.services.nixos-tray = {
      description = "NixOS status in the system tray";
      wantedBy = [ "graphical-session.target" ];
      partOf = [ "graphical-session.target" ];
      requires = [ "tray.target" ];
      after = [
        "graphical-session.target"
        "tray.target"
      ];
      serviceConfig = common.serviceConfig cfg;
    };
  };
}
