# SPDX-License-Identifier: MIT
# A self-hosted monitoring stack on one NixOS host (Prometheus, node exporter, Alertmanager,
# Grafana behind nginx with Prometheus under /prometheus/) and what nixos-status adds to it:
# the exporter, its alert rules and its dashboard.
#
# Use it as a module of a flake-based configuration that passes its inputs to modules:
#
#   inputs.nixos-status.url = "<this repository's flake URL>";
#   nixosConfigurations.monitor = nixpkgs.lib.nixosSystem {
#     specialArgs = { inherit inputs; };
#     modules = [ ./configuration.nix ./monitoring-stack.nix ];
#   };
#
# Other machines of the fleet only need the exporter: import
# inputs.nixos-status.nixosModules.exporter there and set the same
# services.prometheus.exporters.nixos options with openFirewall = true.
{ config, inputs, ... }:
let
  nixos-status = inputs.nixos-status;
  prometheusPort = 3020;
  grafanaPort = 3010;
in
{
  imports = [ nixos-status.nixosModules.exporter ];

  # --- metrics ------------------------------------------------------------------------------
  services.prometheus = {
    enable = true;
    listenAddress = "127.0.0.1";
    port = prometheusPort;
    webExternalUrl = "/prometheus/";
    checkConfig = true;

    exporters.node = {
      enable = true;
      listenAddress = "127.0.0.1";
      port = 3021;
      enabledCollectors = [ "systemd" ];
    };

    # nixos-status: generations, reboot required, flake input ages.
    exporters.nixos = {
      enable = true;
      listenAddress = "127.0.0.1";
      collectors = [
        "generation"
        "flake"
        "boot"
      ];
      # The lock of the configuration's own flake: linked into each system as
      # /run/current-system/flake.lock, so the lock reported is the one the system was built
      # from, also when it is deployed from another machine.
      flake.lockPath = "${inputs.self}/flake.lock";
    };

    scrapeConfigs = [
      {
        job_name = "node_exporter";
        static_configs = [ { targets = [ "127.0.0.1:${toString config.services.prometheus.exporters.node.port}" ]; } ];
      }
      {
        # The job name the dashboard selects by default and NixOSExporterDown knows.
        job_name = "nixos";
        static_configs = [
          {
            targets = [
              "127.0.0.1:${toString config.services.prometheus.exporters.nixos.port}"
              # The rest of the fleet, each with the exporter module and openFirewall = true:
              # "web1.lan:9971"
            ];
          }
        ];
      }
    ];

    # The alert rules: NixOSConfigStale, NixOSRebootRequired, NixpkgsInputStale,
    # NixOSExporterCollectorFailed, NixOSExporterDown.
    ruleFiles = [ "${nixos-status}/nix/alerts/nixos.rules.yml" ];

    alertmanagers = [
      { static_configs = [ { targets = [ "127.0.0.1:${toString config.services.prometheus.alertmanager.port}" ]; } ]; }
    ];

    # --- alerting ---------------------------------------------------------------------------
    alertmanager = {
      enable = true;
      listenAddress = "127.0.0.1";
      port = 3023;
      checkConfig = true;
      configuration = {
        # Keep the SMTP password out of the store: sops-nix, agenix or similar.
        global = {
          smtp_smarthost = "smtp.example.com:587";
          smtp_from = "alertmanager@example.com";
          smtp_auth_username = "alertmanager";
          smtp_auth_password_file = "/run/secrets/smtp-password";
        };
        route = {
          group_by = [
            "alertname"
            "instance"
          ];
          group_wait = "30s";
          group_interval = "5m";
          repeat_interval = "12h";
          receiver = "me";
        };
        receivers = [
          {
            name = "me";
            email_configs = [
              {
                to = "me@example.com";
                send_resolved = true;
              }
            ];
          }
        ];
      };
    };
  };

  # --- dashboards ---------------------------------------------------------------------------
  # A folder of dashboards Grafana provisions from; nixos.json comes from nixos-status.
  environment.etc."grafana/dashboards/nixos.json" = {
    source = "${nixos-status}/nix/dashboards/nixos.json";
    user = "grafana";
    group = "grafana";
  };

  services.grafana = {
    enable = true;
    settings = {
      server = {
        http_addr = "127.0.0.1";
        http_port = grafanaPort;
      };
      analytics.reporting_enabled = false;
    };
    provision = {
      enable = true;
      dashboards.settings.providers = [
        {
          name = "files";
          options.path = "/etc/grafana/dashboards";
        }
      ];
      datasources.settings.datasources = [
        {
          # The dashboard's data source variable starts at the default one.
          name = "Prometheus";
          type = "prometheus";
          access = "proxy";
          isDefault = true;
          url = "http://127.0.0.1:${toString prometheusPort}/prometheus";
        }
      ];
    };
  };

  # --- proxy --------------------------------------------------------------------------------
  services.nginx = {
    enable = true;
    recommendedProxySettings = true;
    recommendedGzipSettings = true;
    # TLS: add forceSSL and enableACME (or useACMEHost) for a real host name.
    virtualHosts."monitoring.example.com" = {
      locations."/prometheus/".proxyPass = "http://127.0.0.1:${toString prometheusPort}";
      locations."/" = {
        proxyPass = "http://127.0.0.1:${toString grafanaPort}";
        proxyWebsockets = true;
      };
    };
  };
  networking.firewall.allowedTCPPorts = [
    80
    443
  ];
}
