# Quick start, step 2 (Windows): install what the tests need into .venv, then run the
# whole suite. Tests that need Debian's tools (chromium, pdftotext) are skipped on
# Windows unless KYODO_CHROMIUM names a Chromium and poppler is on PATH.
#   powershell -ExecutionPolicy Bypass -File scripts\test.ps1 [pytest options]
$ErrorActionPreference = "Stop"
Set-Location (Split-Path -Parent $PSScriptRoot)
& (Join-Path $PSScriptRoot "setup.ps1") -Test
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
if ((Get-Command npm -ErrorAction SilentlyContinue) -and -not (Test-Path "node_modules\axe-core\axe.min.js")) {
    & npm ci --no-audit --no-fund --silent
}
$venv = if ($env:KYODO_VENV) { $env:KYODO_VENV } else { ".venv" }
& (Join-Path $venv "Scripts\python.exe") -m pytest @args
exit $LASTEXITCODE
