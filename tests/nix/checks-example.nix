# SPDX-License-Identifier: MIT
# nix/examples/monitoring-stack.nix evaluates as a module of a flake configuration that has
# nixos-status as an input: it scrapes the exporter, loads the rules and provisions the
# dashboard, from files that exist in this repository.
{
  lib ? import ./nixpkgs-lib/lib,
}:
let
  t = import ./testlib.nix { inherit lib; };
  inherit (t) check checkThat;
  stubs = import ./stubs.nix { inherit lib; };
  flakeStub = import ./flake-stub.nix { inherit lib; };
  loose = lib.mkOption {
    type = lib.types.anything;
    default = null;
  };
  # The options of the rest of the stack, declared loosely: the example sets them, the checks
  # read them back.
  stack = {
    options = {
      environment.etc = lib.mkOption {
        type = lib.types.attrsOf lib.types.anything;
        default = { };
      };
      networking.firewall.allowedTCPPorts = loose;
      services.grafana = loose;
      services.nginx = loose;
      services.prometheus = lib.genAttrs [
        "enable"
        "listenAddress"
        "port"
        "webExternalUrl"
        "checkConfig"
        "scrapeConfigs"
        "ruleFiles"
        "alertmanagers"
        "alertmanager"
      ] (_: loose);
    };
  };
  # The configuration's own flake: a store path with a flake.lock.
  configFlake = {
    outPath = "${builtins.storeDir}/11111111111111111111111111111111-source";
  };
  config =
    (lib.evalModules {
      specialArgs.inputs = {
        self = configFlake;
        nixos-status = flakeStub.self;
      };
      modules = [
        stubs.nixos
        stack
        { _module.args.pkgs = flakeStub.pkgsFor "x86_64-linux"; }
        ../../nix/examples/monitoring-stack.nix
      ];
    }).config;
  targets = lib.concatMap (job: lib.concatMap (s: s.targets) job.static_configs) (
    lib.filter (job: job.job_name == "nixos") config.services.prometheus.scrapeConfigs
  );
  exists = path: builtins.pathExists path && lib.hasPrefix (toString ../..) path;
  dashboard = config.environment.etc."grafana/dashboards/nixos.json".source;
in
t.summary [
  (check "scrapes the exporter as job nixos" targets [ "127.0.0.1:9971" ])
  (check "exporter on loopback with the flake collector"
    config.systemd.services.prometheus-nixos-exporter.serviceConfig.ExecStart
    "${flakeStub.self.packages.x86_64-linux.nixos-exporter}/bin/nixos-exporter --listen=127.0.0.1:9971 --collector.flake --flake.lock-path=/run/current-system/flake.lock")
  (check "the configuration's lock in the system" config.system.extraSystemBuilderCmds
    "ln -s ${configFlake.outPath}/flake.lock $out/flake.lock\n")
  (check "rule files" config.services.prometheus.ruleFiles [ "${toString ../..}/nix/alerts/nixos.rules.yml" ])
  (checkThat "rule file exists" (lib.all exists config.services.prometheus.ruleFiles))
  (checkThat "dashboard exists" (exists dashboard))
  (check "dashboard folder provisioned" (map (p: p.options.path) config.services.grafana.provision.dashboards.settings.providers) [
    "/etc/grafana/dashboards"
  ])
  (check "Grafana reads Prometheus under /prometheus/"
    (map (d: d.url) config.services.grafana.provision.datasources.settings.datasources)
    [ "http://127.0.0.1:${toString config.services.prometheus.port}/prometheus" ])
  (check "nginx /prometheus/" config.services.nginx.virtualHosts."monitoring.example.com".locations."/prometheus/".proxyPass
    "http://127.0.0.1:${toString config.services.prometheus.port}")
  (check "Alertmanager wired" config.services.prometheus.alertmanagers [
    { static_configs = [ { targets = [ "127.0.0.1:${toString config.services.prometheus.alertmanager.port}" ]; } ]; }
  ])
]
