@echo off
rem Launcher for the usrnet command-line tool on Windows (./usrnet elsewhere). Build first:
rem   mvn -q -B install -DskipTests
rem Runs the same jar and class path as ./usrnet, without its glibc and class-data-sharing settings.
rem USRNET_JAVA_OPTS: extra JVM options, separated by spaces.
setlocal
set "here=%~dp0"
set "jar=%here%examples\target\usrnet-examples.jar"
if not exist "%jar%" (
  echo usrnet: not built yet; run: mvn -q -B install -DskipTests 1>&2
  exit /b 2
)
rem ai.djl.offline=true: DJL must never touch the network (it would at engine start-up otherwise).
java %USRNET_JAVA_OPTS% -Dai.djl.offline=true -cp "%jar%;%here%examples\target\lib\*" io.usrnet.cli.UsrnetCli %*
exit /b %ERRORLEVEL%
