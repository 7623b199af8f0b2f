from django.core.exceptions import ValidationError


def show_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError at the fields it names, keeping everything the person typed."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def form_data(form, exclude: tuple[str, ...] = ()) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if k not in exclude}
