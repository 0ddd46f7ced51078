// Sends a form marked data-autosubmit as soon as the page is read (an LTI deep-linking answer
// going back to the LMS); its button stays for browsers without JavaScript.
document.querySelectorAll("form[data-autosubmit]").forEach((form) => form.submit());
