//! `konform reference serve|list`: run an embedded reference implementation
//! as a standalone server, for trying a suite by hand or pointing another
//! tool at it.

use std::net::{Ipv4Addr, SocketAddr};

use konform_reference::{AuthMode, ServeOptions};

use super::CliError;
use crate::cli::ReferenceCommand;

/// Splits `meldewesen@1.0` into name and version.
fn parse_interface(spec: &str) -> Result<(&str, &str), CliError> {
    spec.split_once('@').ok_or_else(|| {
        CliError::Input(format!(
            "`{spec}`: expected INTERFACE@VERSION, e.g. meldewesen@1.0"
        ))
    })
}

pub async fn run(command: ReferenceCommand) -> Result<i32, CliError> {
    match command {
        ReferenceCommand::List => {
            for (name, version) in konform_reference::interfaces() {
                println!("{name}@{version}");
            }
            Ok(0)
        }
        ReferenceCommand::Faults { interface } => {
            let (name, version) = parse_interface(&interface)?;
            if !konform_reference::interfaces().contains(&(name, version)) {
                return Err(CliError::Input(format!(
                    "{interface}: no embedded reference implementation (see `konform reference list`)"
                )));
            }
            let faults = konform_reference::faults(name, version);
            if faults.is_empty() {
                println!("{interface}: the reference offers no faults");
                return Ok(0);
            }
            let width = faults.iter().map(|f| f.name.len()).max().unwrap_or(0);
            let requirements: Vec<String> =
                faults.iter().map(|f| f.requirements().join(", ")).collect();
            let req_width = requirements.iter().map(String::len).max().unwrap_or(0);
            for (f, reqs) in faults.iter().zip(&requirements) {
                println!(
                    "{:width$}  {reqs:req_width$}  since {:5}  {}",
                    f.name, f.since, f.description
                );
            }
            println!("{} faults", faults.len());
            Ok(0)
        }
        ReferenceCommand::Serve {
            interface,
            port,
            faults,
            open,
            control,
            no_tls,
            ca_out,
            scale,
        } => {
            let (name, version) = parse_interface(&interface)?;
            let tls = konform_reference::tls_by_default(name, version) && !no_tls;
            if ca_out.is_some() && !tls {
                return Err(CliError::Input(format!(
                    "--ca-out: {interface} is served over plain HTTP here, there is no certificate"
                )));
            }
            let options = ServeOptions {
                bind: SocketAddr::from((Ipv4Addr::LOCALHOST, port.unwrap_or(0))),
                auth: if open {
                    AuthMode::Open
                } else {
                    AuthMode::reference_tokens()
                },
                faults,
                control,
                tls,
                scale,
            };
            let server = konform_reference::serve(name, version, options)
                .await
                .map_err(|e| CliError::Input(format!("{interface}: {e}")))?;
            println!(
                "Serving the {name}@{version} reference at {}",
                server.base_url
            );
            if let Some(pem) = &server.ca_pem {
                match &ca_out {
                    Some(path) => {
                        std::fs::write(path, pem).map_err(|e| {
                            CliError::Input(format!("--ca-out {}: {e}", path.display()))
                        })?;
                        println!(
                            "  self-signed certificate written to {} (a target file's tls.ca_file)",
                            path.display()
                        );
                    }
                    None => println!(
                        "  HTTPS with a self-signed certificate made at start; --ca-out FILE saves it"
                    ),
                }
            }
            if !open {
                println!(
                    "  token with every scope:  {}",
                    konform_reference::FULL_TOKEN
                );
                println!(
                    "  token with limited scope: {}",
                    konform_reference::LIMITED_TOKEN
                );
            }
            if control {
                println!(
                    "  faults: GET or PUT [\"name\", ...] at {}/_konform/faults",
                    server.base_url
                );
            }
            println!("Press Ctrl-C to stop.");
            let _ = tokio::signal::ctrl_c().await;
            server.shutdown().await;
            Ok(0)
        }
    }
}
