@echo off
rem Intune-style remediation, run when detect.cmd exits 1: for each recipe
rem caora doctor finds present, `caora diagnose RECIPE --fix --yes` applies the
rem safe fixes (each journaled; `caora undo` reverses them), then doctor checks
rem again. Exit 0 when the terminal is then clean, 1 when a problem is left
rem (the line names what a technician must look at). One line on stdout,
rem nothing on stderr. CAORA_EXE and CAORA_ARGS as for detect.cmd.
setlocal EnableExtensions EnableDelayedExpansion
if not defined CAORA_EXE set "CAORA_EXE=caora.exe"
set "out=%TEMP%\caora-remediate-%RANDOM%%RANDOM%.txt"
"%CAORA_EXE%" --lang en %CAORA_ARGS% doctor > "%out%" 2>nul
set "rc=%ERRORLEVEL%"
if not "%rc%"=="0" if not "%rc%"=="1" (
  del /q "%out%" >nul 2>&1
  echo caora: not remediated ^(caora exit %rc%^)
  exit /b 1
)
set "fixed="
set "left="
call :scan
for %%R in (%codes%) do (
  "%CAORA_EXE%" --lang en %CAORA_ARGS% diagnose %%R --fix --yes <nul >nul 2>&1 
  set "fixrc=!ERRORLEVEL!"
  if "!fixrc!"=="0" (set "fixed=!fixed! %%R") else (set "left=!left! %%R/exit!fixrc!")
)
rem Verify: the whole check again.
"%CAORA_EXE%" --lang en %CAORA_ARGS% doctor > "%out%" 2>nul
set "rc=%ERRORLEVEL%"
call :scan
del /q "%out%" >nul 2>&1
if "%rc%"=="0" (
  echo caora: remediated:!fixed!. !counts!
  exit /b 0
)
echo caora: problem left:!left!; fixed:!fixed!. !counts!
exit /b 1


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
