/* Device check: camera, microphone, speakers, network, browser — one step at a time.
   Texts and settings come from the page's JSON data block, in the person's language.
   Without this script the page offers a self-declaration form instead. */
(function () {
  "use strict";

  var root = document.querySelector("[data-device-check]");
  var configBlock = document.getElementById("device-check-config");
  if (!root || !configBlock) {
    return;
  }
  var config = JSON.parse(configBlock.textContent);
  var t = config.texts;
  var live = root.querySelector("[data-live]");
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var MAX_KBPS = 10000000;
  var ORDER = ["camera", "microphone", "speakers", "network", "browser", "summary"];
  var results = {};
  var streams = [];
  var audioContext = null;
  var heard = false;
  var peak = 0;
  var played = false;
  var meterTimer = null;

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_match, name) {
      return values[name] === undefined ? "" : String(values[name]);
    });
  }

  function announce(text) {
    // Clear first so the same message is announced again on a re-run.
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function step(name) {
    return root.querySelector('[data-step="' + name + '"]');
  }

  function part(name, selector) {
    return step(name).querySelector(selector);
  }

  function stopMedia() {
    streams.forEach(function (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
    });
    streams = [];
    if (meterTimer) {
      window.clearInterval(meterTimer);
      meterTimer = null;
    }
  }

  function show(name) {
    ORDER.forEach(function (other) { step(other).hidden = other !== name; });
    var heading = step(name).querySelector("h3");
    heading.focus();
    RUN[name]();
  }

  function problemOf(error) {
    var name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError") { return "denied"; }
    if (name === "NotFoundError" || name === "OverconstrainedError") { return "not_found"; }
    if (name === "NotReadableError" || name === "AbortError") { return "in_use"; }
    return "error";
  }

  function adviceFor(name, outcome, problem) {
    if (problem === "denied") {
      return format(t.denied, { device: t[name + "_device"] });
    }
    if (problem === "unsupported") {
      return t["advice.browser.failed"];
    }
    return t["advice." + name + "." + (problem || outcome)] || t["advice." + name + ".error"] || "";
  }

  function badge(outcome) {
    var span = document.createElement("span");
    span.className = "badge badge--" + { passed: "ok", warning: "warn", failed: "fail" }[outcome];
    span.textContent = t["outcome." + outcome];
    return span;
  }

  function finish(name, outcome, extra, advice) {
    var problem = extra && extra.problem;
    var text = advice || adviceFor(name, outcome, problem);
    results[name] = Object.assign({ outcome: outcome, advice: text }, extra || {});
    var result = part(name, "[data-result]");
    result.textContent = "";
    result.appendChild(badge(outcome));
    result.appendChild(document.createTextNode(" " + text));
    var question = step(name).querySelector("[data-question]");
    if (question) { question.hidden = true; }
    announce(format(t.step_result, { check: t["check." + name], outcome: t["outcome." + outcome] }) + " " + text);
    var next = part(name, "[data-next]");
    next.hidden = false;
    next.focus();
  }

  function media() {
    return navigator.mediaDevices && navigator.mediaDevices.getUserMedia ? navigator.mediaDevices : null;
  }

  function startCamera(deviceId) {
    stopMedia();
    var video = deviceId ? { deviceId: { exact: deviceId } } : true;
    return media().getUserMedia({ video: video, audio: false }).then(function (stream) {
      streams.push(stream);
      part("camera", "[data-preview]").srcObject = stream;
      return stream;
    });
  }

  function listCameras(current) {
    media().enumerateDevices().then(function (devices) {
      var cameras = devices.filter(function (device) { return device.kind === "videoinput"; });
      var select = part("camera", "[data-camera-select]");
      select.textContent = "";
      cameras.forEach(function (camera, index) {
        var option = document.createElement("option");
        option.value = camera.deviceId;
        // Device names stay on the page: they are never sent.
        option.textContent = camera.label || t["check.camera"] + " " + (index + 1);
        option.selected = camera.deviceId === current;
        select.appendChild(option);
      });
      part("camera", "[data-camera-choice]").hidden = cameras.length < 2;
    });
  }

  function runCamera() {
    var status = part("camera", "[data-status]");
    if (!media()) {
      finish("camera", "failed", { problem: "unsupported" });
      return;
    }
    status.textContent = t.allow;
    part("camera", "[data-preview]").hidden = false;
    startCamera().then(function (stream) {
      status.textContent = "";
      step("camera").querySelector("[data-question]").hidden = false;
      listCameras(stream.getVideoTracks()[0].getSettings().deviceId);
    }).catch(function (error) {
      status.textContent = "";
      part("camera", "[data-preview]").hidden = true;
      finish("camera", "failed", { problem: problemOf(error) });
    });
  }

  function levelOf(analyser, samples) {
    analyser.getByteTimeDomainData(samples);
    var sum = 0;
    for (var i = 0; i < samples.length; i += 1) {
      var value = (samples[i] - 128) / 128;
      sum += value * value;
    }
    return Math.min(100, Math.round(Math.sqrt(sum / samples.length) * 300));
  }

  function context() {
    var AudioContextClass = window.AudioContext || window.webkitAudioContext;
    if (!audioContext && AudioContextClass) { audioContext = new AudioContextClass(); }
    return audioContext;
  }

  function runMicrophone() {
    stopMedia();
    heard = false;
    peak = 0;
    var status = part("microphone", "[data-status]");
    if (!media() || !context()) {
      finish("microphone", "failed", { problem: "unsupported" });
      return;
    }
    status.textContent = t.listening;
    media().getUserMedia({ audio: true, video: false }).then(function (stream) {
      streams.push(stream);
      context().resume();
      var analyser = context().createAnalyser();
      analyser.fftSize = 1024;
      context().createMediaStreamSource(stream).connect(analyser);
      var samples = new Uint8Array(analyser.fftSize);
      var meter = part("microphone", "[data-meter]");
      var text = part("microphone", "[data-level]");
      meterTimer = window.setInterval(function () {
        var level = levelOf(analyser, samples);
        peak = Math.max(peak, level);
        meter.value = level;
        text.textContent = format(t.level, { level: level });
        if (!heard && level >= 5) {
          heard = true;
          status.textContent = t.heard;
          announce(t.heard);
        }
      }, reducedMotion ? 500 : 100);
    }).catch(function (error) {
      status.textContent = "";
      finish("microphone", "failed", { problem: problemOf(error) });
    });
  }

  function finishMicrophone() {
    if (results.microphone) { return; }
    stopMedia();
    if (heard) {
      finish("microphone", "passed", { level: peak });
    } else {
      finish("microphone", "warning", { level: peak, problem: "no_sound" });
    }
  }

  function playTone() {
    var audio = context();
    if (!audio) {
      finish("speakers", "failed");
      return;
    }
    audio.resume();
    var oscillator = audio.createOscillator();
    var gain = audio.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = 440;
    gain.gain.setValueAtTime(0.0001, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.3, audio.currentTime + 0.05);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 1.5);
    oscillator.connect(gain);
    gain.connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 1.5);
    played = true;
    part("speakers", "[data-status]").textContent = t.playing;
    step("speakers").querySelector("[data-question]").hidden = false;
  }

  function runSpeakers() {
    played = false;
    step("speakers").querySelector("[data-question]").hidden = true;
  }

  function timed(request) {
    var started = performance.now();
    return request().then(function (response) {
      if (response.status === 429) { throw new Error("too_many"); }
      if (!response.ok) { throw new Error("http"); }
      return response.arrayBuffer().then(function () { return performance.now() - started; });
    });
  }

  function kbps(bytes, milliseconds) {
    return Math.min(MAX_KBPS, Math.round((bytes * 8) / Math.max(milliseconds, 1)));
  }

  function csrfToken() {
    var field = document.querySelector('input[name="csrf_token"]');
    return field ? field.value : "";
  }

  function measure() {
    var size = config.transfer_bytes;
    var latencies = [];
    var figures = {};
    var ping = function () {
      return timed(function () { return fetch(config.urls.echo, { cache: "no-store", credentials: "same-origin" }); })
        .then(function (ms) { latencies.push(ms); });
    };
    var chain = ping();
    for (var i = 0; i < 4; i += 1) { chain = chain.then(ping); }
    return chain.then(function () {
      latencies.sort(function (a, b) { return a - b; });
      // The first request may include setting up the connection: take the median.
      figures.latency_ms = Math.round(latencies[Math.floor(latencies.length / 2)]);
      return timed(function () {
        return fetch(config.urls.download + "?bytes=" + size, { cache: "no-store", credentials: "same-origin" });
      });
    }).then(function (ms) {
      figures.download_kbps = kbps(size, ms);
      var body = new Uint8Array(size);
      for (var offset = 0; offset < size; offset += 65536) {
        window.crypto.getRandomValues(body.subarray(offset, Math.min(size, offset + 65536)));
      }
      return timed(function () {
        return fetch(config.urls.upload, {
          method: "POST",
          body: body,
          credentials: "same-origin",
          headers: { "Content-Type": "application/octet-stream", "X-CSRFToken": csrfToken() }
        });
      });
    }).then(function (ms) {
      figures.upload_kbps = kbps(size, ms);
      return figures;
    });
  }

  function classify(figures) {
    var limits = config.thresholds;
    var slowest = Math.min(figures.download_kbps, figures.upload_kbps);
    if (slowest < limits.failing_kbps) { return "failed"; }
    if (slowest >= limits.good_kbps && figures.latency_ms <= limits.good_latency_ms) { return "passed"; }
    return "warning";
  }

  function megabits(value) {
    return (value / 1000).toLocaleString(document.documentElement.lang, { maximumFractionDigits: 1 });
  }

  function runNetwork() {
    var status = part("network", "[data-status]");
    status.textContent = t.measuring;
    announce(t.measuring);
    measure().then(function (figures) {
      status.textContent = format(t.figures, {
        down: megabits(figures.download_kbps),
        up: megabits(figures.upload_kbps),
        latency: figures.latency_ms
      });
      finish("network", classify(figures), figures);
    }).catch(function (error) {
      var reason = error && error.message === "too_many" ? t.too_many : t.not_measured;
      status.textContent = reason;
      finish("network", "failed", { download_kbps: null, upload_kbps: null, latency_ms: null }, reason);
    });
  }

  function runBrowser() {
    var apis = Boolean(media() && window.RTCPeerConnection && (window.AudioContext || window.webkitAudioContext));
    var platform = config.browser.platform;
    // iPadOS presents itself as a Mac: a touch screen gives it away.
    if (platform === "desktop" && navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1) {
      platform = "ios";
    }
    if (!apis) {
      finish("browser", "failed");
    } else if (platform === "ios" || platform === "android") {
      finish("browser", "warning", null, t["advice.browser." + platform]);
    } else {
      finish("browser", config.browser.outcome);
    }
  }

  function payload() {
    var network = results.network || {};
    return {
      camera: pick(results.camera, ["outcome", "problem"]),
      microphone: pick(results.microphone, ["outcome", "problem", "level"]),
      speakers: pick(results.speakers, ["outcome"]),
      network: pick(network, ["download_kbps", "upload_kbps", "latency_ms"]),
      browser: pick(results.browser, ["outcome"])
    };
  }

  function pick(source, keys) {
    var picked = {};
    keys.forEach(function (key) {
      if (source && source[key] !== undefined) { picked[key] = source[key]; }
    });
    return picked;
  }

  function runSummary() {
    stopMedia();
    var list = part("summary", "[data-summary]");
    list.textContent = "";
    ORDER.slice(0, 5).forEach(function (name) {
      var item = document.createElement("li");
      item.className = "device-results__item";
      item.appendChild(badge(results[name].outcome));
      var label = document.createElement("strong");
      label.textContent = " " + t["check." + name] + " ";
      item.appendChild(label);
      item.appendChild(document.createTextNode(results[name].advice));
      list.appendChild(item);
    });
    save();
  }

  function save() {
    var status = part("summary", "[data-save-status]");
    status.textContent = t.saving;
    fetch(config.urls.results, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(payload())
    }).then(function (response) {
      status.textContent = response.status === 201 ? t.saved : t.save_failed;
      status.setAttribute("data-saved", response.status === 201 ? "yes" : "no");
      announce(status.textContent);
    }).catch(function () {
      status.textContent = t.save_failed;
      announce(t.save_failed);
    });
  }

  var RUN = {
    camera: runCamera,
    microphone: runMicrophone,
    speakers: runSpeakers,
    network: runNetwork,
    browser: runBrowser,
    summary: runSummary
  };

  function restart() {
    stopMedia();
    results = {};
    ORDER.forEach(function (name) {
      var result = step(name).querySelector("[data-result]");
      var next = step(name).querySelector("[data-next]");
      if (result) { result.textContent = ""; }
      if (next) { next.hidden = true; }
    });
    part("camera", "[data-question]").hidden = true;
    show("camera");
  }

  ORDER.slice(0, 5).forEach(function (name, index) {
    part(name, "[data-next]").addEventListener("click", function () { show(ORDER[index + 1]); });
  });
  part("camera", "[data-question]").hidden = true;
  part("camera", '[data-answer="yes"]').addEventListener("click", function () {
    stopMedia();
    finish("camera", "passed");
  });
  part("camera", '[data-answer="no"]').addEventListener("click", function () {
    stopMedia();
    finish("camera", "failed", { problem: "not_seen" });
  });
  part("camera", "[data-camera-select]").addEventListener("change", function (event) {
    startCamera(event.target.value).catch(function (error) {
      finish("camera", "failed", { problem: problemOf(error) });
    });
  });
  part("microphone", "[data-finish]").addEventListener("click", finishMicrophone);
  part("speakers", "[data-play]").addEventListener("click", playTone);
  part("speakers", '[data-answer="yes"]').addEventListener("click", function () {
    if (!played) { part("speakers", "[data-status]").textContent = t.play_first; return; }
    finish("speakers", "passed");
  });
  part("speakers", '[data-answer="no"]').addEventListener("click", function () {
    if (!played) { part("speakers", "[data-status]").textContent = t.play_first; return; }
    finish("speakers", "failed");
  });
  root.querySelector("[data-start]").addEventListener("click", function (event) {
    event.target.hidden = true;
    root.querySelector("[data-intro]").hidden = true;
    show("camera");
  });
  part("summary", "[data-restart]").addEventListener("click", restart);
  root.hidden = false;
})();
