# Quick start, step 1 (Windows): install kyodo into .venv, then build the sample and
# show it at http://127.0.0.1:8000 (Ctrl+C stops). Extra options go to `serve`.
#   powershell -ExecutionPolicy Bypass -File scripts\serve.ps1
$ErrorActionPreference = "Stop"
Set-Location (Split-Path -Parent $PSScriptRoot)
& (Join-Path $PSScriptRoot "setup.ps1")
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
$venv = if ($env:KYODO_VENV) { $env:KYODO_VENV } else { ".venv" }
& (Join-Path $venv "Scripts\python.exe") build.py serve @args
exit $LASTEXITCODE
