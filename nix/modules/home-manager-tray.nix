# SPDX-License-Identifier: MIT
# home-manager: services.nixos-tray runs the NixOS status icon in this user's graphical
# session, as a systemd user service bound to graphical-session.target and tray.target.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  cfg = config.services.nixos-tray;
  common = import ./tray-common.nix { inherit lib pkgs; };
in
{
  options.services.nixos-tray = common.options;

  config = lib.mkIf cfg.enable {
    home.packages = [ (common.package cfg) ];

    # home-manager defines tray.target only with xsession or some window managers; where it
    # does, its definition wins over this fallback (same content).
    systemd.user.targets.tray = lib.mkDefault {
      Unit = {
        Description = "Home Manager System Tray";
        Requires = [ "graphical-session-pre.target" ];
      };
    };

    systemd.user.services.nixos-tray = {
      Unit = {
        Description = "NixOS status in the system tray";
        Requires = [ "tray.target" ];
        After = [
          "graphical-session.target"
          "tray.target"
        ];
        PartOf = [ "graphical-session.target" ];
      };
      Service = common.serviceConfig cfg;
      Install.WantedBy = [ "graphical-session.target" ];
    };
  };
}
