@echo off
rem Intune-style detection (Proactive remediations / Remediations): exit 1 when
rem caora finds a problem on this terminal, so that remediate.cmd runs; exit 0
rem otherwise. Exactly one line on stdout, nothing on stderr: Intune counts
rem anything on stderr as a script error and cuts long output.
rem   CAORA_EXE   caora.exe to run (default: caora.exe on PATH)
rem   CAORA_ARGS  global options before the command (e.g. --site FILE --state-dir DIR)
rem When caora itself cannot run (not installed, exit 2 or 10), the line says so
rem and the exit is 0: a remediation could not help, and nothing is changed.
setlocal EnableExtensions EnableDelayedExpansion
if not defined CAORA_EXE set "CAORA_EXE=caora.exe"
set "out=%TEMP%\caora-detect-%RANDOM%%RANDOM%.txt"
"%CAORA_EXE%" --lang en %CAORA_ARGS% doctor > "%out%" 2>nul
set "rc=%ERRORLEVEL%"
call :scan
del /q "%out%" >nul 2>&1
if "%rc%"=="0" (
  echo caora: no problem found. !counts!
  exit /b 0
)
if "%rc%"=="1" (
  echo caora: problem found:!codes!. !counts!
  exit /b 1
)
echo caora: not checked ^(caora exit %rc%^)
exit /b 0


rem Reads caora doctor's text in %out%: the "Checked:" line into counts, and
rem the recipe ids of the findings (heads that end in [recipe]) into codes.
rem Plain for /f and %%var:~n%% over each line (Wine's cmd, like old ones,
rem has neither a full findstr nor !var:~n!).
:scan
set "counts="
set "codes="
for /f "usebackq delims=" %%L in ("%out%") do (
  set "l=%%L"
  call :line
rem A title may quote a screen's text: the quotes go before the line is looked at.
set "l=%l:"=%"
)
exit /b 0
:line
rem A title may quote a screen's text: the quotes go before the line is looked at.
set "l=%l:"=%"
if "%l:~0,8%"=="Checked:" set "counts=!l!"
if "%l:~0,1%"==" " exit /b 0
if not "%l:~-1%"=="]" exit /b 0
for /f "tokens=2 delims=[]" %%R in ("%l%") do set "codes=%codes% %%R"
exit /b 0
